// Chart.js, registered piecemeal so the bundle carries only the bar and line charts the page draws.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartType,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale);
Chart.register(Legend, Tooltip);
Chart.defaults.font.family = "system-ui, sans-serif";
Chart.defaults.animation = false; // live updates redraw in place; animating each would flicker
Chart.defaults.maintainAspectRatio = false; // each canvas fills its card, whose height the stylesheet sets
Chart.defaults.datasets.bar.maxBarThickness = 56;

export const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563", "#db2777"];

/** One chart per canvas, created on first use and updated in place after. */
export function draw<T extends ChartType>(canvas: HTMLCanvasElement, config: ChartConfiguration<T>): void {
  const existing = Chart.getChart(canvas);
  if (existing && (existing.config as ChartConfiguration).type === config.type) {
    existing.data = config.data as typeof existing.data;
    existing.options = config.options as typeof existing.options;
    existing.update();
    return;
  }
  existing?.destroy();
  new Chart(canvas, config);
}
