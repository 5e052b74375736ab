// Target breaches and recoveries as they arrive on the stream, newest first.
import { byId, h } from "../dom";
import { formatValue, metricName, shortId } from "../metrics";
import type { TargetAlert } from "../stream";

const KEPT = 50;

export function showAlert(alert: TargetAlert, select: (scope: string) => void): void {
  const breached = alert.kind === "TargetBreached";
  const item = h(
    "li",
    { class: breached ? "alert breached" : "alert recovered", "data-kind": alert.kind, "data-partnership": alert.partnership_id },
    h("time", {}, new Date().toLocaleTimeString()),
    h("strong", {}, breached ? "Target missed" : "Target met again"),
    h("span", {}, `${metricName(alert.metric)}: ${formatValue(alert.metric, alert.value)} against ${formatValue(alert.metric, alert.goal)}`),
    h("button", { type: "button", class: "link", title: alert.partnership_id }, `partnership ${shortId(alert.partnership_id)}`),
  );
  item.querySelector("button")!.onclick = () => select(`partnership:${alert.partnership_id}`);
  const list = byId("alerts");
  list.querySelector(".placeholder")?.remove();
  list.prepend(item);
  while (list.children.length > KEPT) list.lastElementChild?.remove();
}
