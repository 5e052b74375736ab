// Trends of one scope: across cohorts (the cohort_year split) and across as-of dates (figures recomputed as of D).
import type { Figure } from "../api";
import { draw, PALETTE } from "../charts";
import { byId } from "../dom";
import { metricName } from "../metrics";
import type { FigureTable } from "../model";

export const COHORT_METRICS = ["completion_rate", "employment_rate", "job_retention.180", "poor_household_share"];
export const AS_OF_COUNTS = ["enrolled", "graduates", "placements"];
export const AS_OF_RATES = ["employment_rate", "job_retention.180"];

export interface AsOfPoint {
  day: string;
  figures: Figure[];
}

/** Quarter ends before `anchor` (at most count - 1 of them), then the anchor itself: the x axis of the as-of trend. */
export function asOfDays(anchor: string, count = 8): string[] {
  const [year, month] = anchor.split("-").map(Number);
  const days: string[] = [anchor];
  let quarter = Math.floor((month - 1) / 3); // the quarter holding the anchor; its end may be the anchor
  let y = year;
  while (days.length < count) {
    quarter -= 1;
    if (quarter < 0) [quarter, y] = [3, y - 1];
    const end = new Date(Date.UTC(y, quarter * 3 + 3, 0)).toISOString().slice(0, 10);
    if (end < anchor) days.unshift(end);
  }
  return days;
}

export function renderCohorts(table: FigureTable, scope: string, version: number): void {
  const years = table.buckets(scope, "cohort_year", version).filter((y) => y !== "unknown");
  draw(byId<HTMLCanvasElement>("cohort-chart"), {
    type: "line",
    data: {
      labels: years,
      datasets: COHORT_METRICS.map((metric, i) => ({
        label: metricName(metric),
        data: years.map((year) => table.get(scope, metric, version, "cohort_year", year)?.value ?? null),
        borderColor: PALETTE[i],
        backgroundColor: PALETTE[i],
        spanGaps: true,
      })),
    },
    options: { scales: { y: { beginAtZero: true, max: 1, ticks: { format: { style: "percent" } } } } },
  });
}

export function renderAsOf(points: AsOfPoint[]): void {
  const total = (point: AsOfPoint, metric: string) =>
    point.figures.find((f) => f.metric === metric && f.dimension === "total")?.value ?? null;
  draw(byId<HTMLCanvasElement>("asof-chart"), {
    type: "line",
    data: {
      labels: points.map((p) => p.day),
      datasets: [
        ...AS_OF_COUNTS.map((metric, i) => ({
          label: metricName(metric),
          data: points.map((p) => total(p, metric)),
          borderColor: PALETTE[i],
          backgroundColor: PALETTE[i],
          yAxisID: "people",
        })),
        ...AS_OF_RATES.map((metric, i) => ({
          label: metricName(metric),
          data: points.map((p) => total(p, metric)),
          borderColor: PALETTE[i + AS_OF_COUNTS.length],
          backgroundColor: PALETTE[i + AS_OF_COUNTS.length],
          borderDash: [6, 4],
          yAxisID: "rate",
        })),
      ],
    },
    options: {
      scales: {
        people: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
        rate: { type: "linear", position: "right", beginAtZero: true, max: 1, grid: { drawOnChartArea: false }, ticks: { format: { style: "percent" } } },
      },
    },
  });
}
