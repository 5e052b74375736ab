// One scope's funnel: applied -> admitted -> enrolled -> graduated -> placed -> retained at each check-point.
import { draw, PALETTE } from "../charts";
import { byId, h } from "../dom";
import { formatValue } from "../metrics";
import type { FigureTable } from "../model";

interface Stage {
  key: string;
  label: string;
  count: number | null;
  of?: string; // what the count is out of, when that is not the stage before
}

/** The check-points of the scope's retention figures (default 90, 180, 365; a partnership may set its own). */
export function checkpoints(table: FigureTable, scope: string, version: number): number[] {
  return table
    .metrics(scope, version)
    .filter((m) => m.startsWith("job_retention."))
    .map((m) => Number(m.split(".")[1]))
    .sort((a, b) => a - b);
}

export function stages(table: FigureTable, scope: string, version: number): Stage[] {
  const figure = (metric: string) => table.get(scope, metric, version);
  const admission = figure("admission_rate");
  const found: Stage[] = [
    { key: "applied", label: "Applied (decided)", count: admission?.denominator ?? null },
    { key: "admitted", label: "Admitted", count: admission?.numerator ?? null },
    { key: "enrolled", label: "Enrolled", count: figure("enrolled")?.value ?? null },
    { key: "graduated", label: "Graduated", count: figure("graduates")?.value ?? null },
    { key: "placed", label: "Placed", count: figure("placements")?.value ?? null },
  ];
  for (const k of checkpoints(table, scope, version)) {
    const retention = figure(`job_retention.${k}`);
    found.push({
      key: `retained.${k}`,
      label: `Retained at ${k} days`,
      count: retention?.numerator ?? null,
      of: `of ${formatValue("placements", retention?.denominator)} placements past day ${k}`,
    });
  }
  return found;
}

export function renderFunnel(table: FigureTable, scope: string, version: number): void {
  const found = stages(table, scope, version);
  draw(byId<HTMLCanvasElement>("funnel-chart"), {
    type: "bar",
    data: {
      labels: found.map((s) => s.label),
      datasets: [
        {
          label: "people",
          data: found.map((s) => s.count ?? 0),
          backgroundColor: found.map((_, i) => PALETTE[Math.min(i, 5)]),
        },
      ],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const rows = found.map((stage, i) => {
    const before = i > 0 && !stage.of ? found[i - 1].count : null;
    const share = before ? `${((100 * (stage.count ?? 0)) / before).toFixed(1)}% of the stage before` : stage.of ?? "";
    return h(
      "tr",
      { "data-stage": stage.key },
      h("th", { scope: "row" }, stage.label),
      h("td", { class: "num", "data-count": stage.count ?? "" }, formatValue("enrolled", stage.count)),
      h("td", { class: "muted" }, share),
    );
  });
  byId("funnel-table").replaceChildren(h("tbody", {}, ...rows));
}
