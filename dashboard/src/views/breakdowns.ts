// One scope's figures split by programme, home region, class, poor household or cohort year.
import { draw, PALETTE } from "../charts";
import { byId, h } from "../dom";
import { bucketName, formatValue, isRate, metricName } from "../metrics";
import type { FigureTable } from "../model";

export const BREAKDOWN_METRICS = [
  "enrolled",
  "graduates",
  "placements",
  "completion_rate",
  "employment_rate",
  "job_retention.180",
  "starting_wage_median",
];

export function renderBreakdown(table: FigureTable, scope: string, version: number): void {
  const dimension = byId<HTMLSelectElement>("breakdown-dimension").value;
  const charted = byId<HTMLSelectElement>("breakdown-metric").value;
  const buckets = table.buckets(scope, dimension, version);
  const value = (metric: string, bucket: string) => table.get(scope, metric, version, dimension, bucket);
  draw(byId<HTMLCanvasElement>("breakdown-chart"), {
    type: "bar",
    data: {
      labels: buckets.map((b) => bucketName(dimension, b)),
      datasets: [{ label: metricName(charted), data: buckets.map((b) => value(charted, b)?.value ?? null), backgroundColor: PALETTE[0] }],
    },
    options: {
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ...(isRate(charted) ? { max: 1, ticks: { format: { style: "percent" } } } : {}) } },
    },
  });
  const head = h("tr", {}, h("th", { scope: "col" }, dimension.replace("_", " ")), ...BREAKDOWN_METRICS.map((m) => h("th", { scope: "col" }, metricName(m))));
  const rows = buckets.map((bucket) =>
    h(
      "tr",
      { "data-bucket": bucket },
      h("th", { scope: "row", title: bucket }, bucketName(dimension, bucket)),
      ...BREAKDOWN_METRICS.map((m) => {
        const figure = value(m, bucket);
        return h("td", { class: figure && !figure.final ? "num provisional" : "num" }, formatValue(m, figure?.value));
      }),
    ),
  );
  const empty = h("tr", {}, h("td", { colspan: BREAKDOWN_METRICS.length + 1, class: "muted" }, "no figures in this split"));
  byId("breakdown-table").replaceChildren(h("thead", {}, head), h("tbody", {}, ...(rows.length ? rows : [empty])));
}
