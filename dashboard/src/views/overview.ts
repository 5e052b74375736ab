// Every partnership and roll-up in one sortable table, with its targets met or missed.
import { scopeId, scopeKind, type Target } from "../api";
import { byId, h } from "../dom";
import { formatValue, metricName, shortId } from "../metrics";
import type { FigureTable } from "../model";

export const OVERVIEW_METRICS = [
  "enrolled",
  "enrolled_now",
  "graduates",
  "completion_rate",
  "employment_rate",
  "job_retention.180",
  "poor_household_share",
];

type SortKey = "scope" | "targets" | string;

export interface OverviewInput {
  table: FigureTable;
  version: number;
  selected: string | null;
  targets: Map<string, Target[]>;
  select(scope: string): void;
}

export class OverviewView {
  private sortKey: SortKey = "enrolled";
  private descending = true;

  render(input: OverviewInput): void {
    const scopes = input.table.scopes().filter((s) => input.table.metrics(s, input.version).length > 0);
    const rows = scopes.map((scope) => ({ scope, missed: missedOf(input.targets.get(scopeId(scope))) }));
    rows.sort((a, b) => this.compare(input, a, b));
    const head = h(
      "tr",
      {},
      this.header("scope", "Partnership or roll-up"),
      ...OVERVIEW_METRICS.map((metric) => this.header(metric, metricName(metric))),
      this.header("targets", "Targets"),
    );
    const body = rows.map(({ scope }) => this.row(input, scope));
    byId("overview").replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
    byId("overview-count").textContent = rows.length === 1 ? "1 scope" : `${rows.length} scopes`;
    this.onHeaderClick(input);
  }

  private header(key: SortKey, label: string): HTMLTableCellElement {
    const sorted = this.sortKey === key ? (this.descending ? "descending" : "ascending") : "none";
    return h("th", { "data-sort": key, "aria-sort": sorted, scope: "col" }, h("button", { type: "button" }, label));
  }

  private onHeaderClick(input: OverviewInput): void {
    for (const th of byId("overview").querySelectorAll<HTMLElement>("th[data-sort]")) {
      th.onclick = () => {
        const key = th.dataset.sort as SortKey;
        this.descending = this.sortKey === key ? !this.descending : key !== "scope";
        this.sortKey = key;
        this.render(input);
      };
    }
  }

  private compare(input: OverviewInput, a: RowKey, b: RowKey): number {
    const direction = this.descending ? -1 : 1;
    if (this.sortKey === "scope") return direction * a.scope.localeCompare(b.scope);
    const valueOf = (row: RowKey): number | null =>
      this.sortKey === "targets" ? row.missed : (input.table.get(row.scope, this.sortKey, input.version)?.value ?? null);
    const [x, y] = [valueOf(a), valueOf(b)];
    if (x === y) return a.scope.localeCompare(b.scope);
    if (x === null) return 1; // nulls last, whichever the direction
    if (y === null) return -1;
    return direction * (x - y);
  }

  private row(input: OverviewInput, scope: string): HTMLTableRowElement {
    const id = scopeId(scope);
    const kind = scopeKind(scope) === "rollup" ? "roll-up" : "partnership";
    const cells = OVERVIEW_METRICS.map((metric) => {
      const figure = input.table.get(scope, metric, input.version);
      const title = figure ? `${figure.numerator ?? "–"} / ${figure.denominator ?? "–"}, ${state(figure.final)}` : "";
      return h(
        "td",
        { "data-metric": metric, class: figure && !figure.final ? "num provisional" : "num", title },
        formatValue(metric, figure?.value),
      );
    });
    const row = h(
      "tr",
      { "data-scope": scope, class: scope === input.selected ? "selected" : undefined, tabindex: 0 },
      h("th", { scope: "row", title: id }, h("span", { class: `kind ${kind}` }, kind), " ", shortId(id)),
      ...cells,
      targetsCell(input.targets.get(id)),
    );
    row.onclick = () => input.select(scope);
    row.onkeydown = (event) => event.key === "Enter" && input.select(scope);
    return row;
  }
}

interface RowKey {
  scope: string;
  missed: number | null;
}

function state(final: boolean): string {
  return final ? "final" : "provisional";
}

function missedOf(targets: Target[] | undefined): number | null {
  return targets && targets.length ? targets.filter((t) => t.met === false).length : null;
}

function targetsCell(targets: Target[] | undefined): HTMLTableCellElement {
  if (!targets || !targets.length) return h("td", { "data-metric": "targets", class: "muted" }, "none set");
  const met = targets.filter((t) => t.met === true).length;
  const missed = targets.filter((t) => t.met === false).length;
  const title = targets
    .map((t) => `${metricName(t.metric)} ${t.comparison.replace("_", " ")} ${formatValue(t.metric, t.goal)}: ${
      formatValue(t.metric, t.actual)} (${t.met === null ? "no figure" : t.met ? "met" : "missed"})`)
    .join("\n");
  return h(
    "td",
    { "data-metric": "targets", "data-met": met, "data-missed": missed, title },
    h("span", { class: "badge met" }, `${met} met`),
    " ",
    h("span", { class: missed ? "badge missed" : "badge" }, `${missed} missed`),
  );
}
