// The dashboard's wiring: what is shown (scope, metric version, as-of date) lives in the URL's hash; figures are
// loaded once the stream is positioned ("ready"), then kept current from the stream without reloading the page.
import "./dashboard.css";
import * as api from "./api";
import { currentToken, rememberToken, signIn, signOut } from "./auth";
import { byId } from "./dom";
import { shortId } from "./metrics";
import { FigureTable, parseLabel } from "./model";
import { type FigureChange, follow, type StreamState, type TargetAlert } from "./stream";
import { showAlert } from "./views/alerts";
import { renderBreakdown } from "./views/breakdowns";
import { renderFunnel } from "./views/funnel";
import { OVERVIEW_METRICS, OverviewView } from "./views/overview";
import { asOfDays, type AsOfPoint, renderAsOf, renderCohorts } from "./views/trends";

interface View {
  version: number;
  asOf: string | null;
  selected: string | null;
}

const AS_OF_RELOAD_MS = 5000; // an as-of view is recomputed, not patched: at most this often while facts arrive
const view = readHash();
let table = new FigureTable();
const targets = new Map<string, api.Target[]>();
const overview = new OverviewView();
let businessDate: string | null = null;
let trend: AsOfPoint[] = [];
let loading: FigureChange[] | null = null; // changes that arrive while a reload runs, applied after it
let generation = 0; // answers of a superseded load are dropped
let streamStop = new AbortController();
let loadedOnce = false;
const STREAM_GRACE_MS = 3000; // without a stream (broker away, no token yet) the figures still load, just not live

function readHash(): View {
  const hash = new URLSearchParams(location.hash.slice(1));
  return { version: Number(hash.get("version") ?? 1), asOf: hash.get("as_of"), selected: hash.get("scope") };
}

function writeHash(): void {
  const hash = new URLSearchParams({ version: String(view.version) });
  if (view.selected) hash.set("scope", view.selected);
  if (view.asOf) hash.set("as_of", view.asOf);
  history.replaceState(null, "", `#${hash}`);
}

function problem(message: string | null): void {
  const box = byId("problem");
  box.textContent = message ?? "";
  box.hidden = !message;
}

function explain(error: unknown): string {
  if (error instanceof api.ApiError && error.status === 401) return "Sign in: the API needs a bearer token.";
  if (error instanceof api.ApiError && error.status === 403) return `This token may not read that: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function reload(): Promise<void> {
  const mine = ++generation;
  loadedOnce = true;
  loading = [];
  const next = new FigureTable();
  try {
    await loadOverview(next);
    view.selected ??= next.scopes()[0] ?? null;
    if (view.selected) await loadSelection(next, view.selected);
    if (mine !== generation) return;
    table = next;
    for (const change of loading) applyChange(change);
    problem(null);
  } catch (error) {
    if (mine === generation) problem(explain(error));
  } finally {
    if (mine === generation) loading = null;
  }
  writeHash();
  render();
  void loadTargets(table.scopes().map(api.scopeId));
  void loadTrend();
}

async function loadOverview(into: FigureTable): Promise<void> {
  const kinds: api.ScopeKind[] = ["partnership", "rollup"];
  const metrics = view.asOf ? ["enrolled"] : OVERVIEW_METRICS; // as of D: only to find the scopes
  const lists = await Promise.all(
    kinds.flatMap((kind) => metrics.map(async (metric) => ({ metric, ranked: await api.ranking(metric, kind, view.version) }))),
  );
  const scopes = new Set<string>();
  for (const { metric, ranked } of lists) {
    for (const r of ranked) {
      scopes.add(r.scope);
      if (!view.asOf) into.put({ ...r, dimension: "total", bucket: "", metric, version: view.version, as_of: "" });
    }
  }
  if (view.asOf) {
    const answers = await Promise.all([...scopes].map((s) => api.figures(s, view.version, view.asOf, "total")));
    answers.forEach((answer) => into.replaceScope(answer.scope, view.version, answer.figures));
  }
}

async function loadSelection(into: FigureTable, scope: string): Promise<void> {
  const answer = await api.figures(scope, view.version, view.asOf);
  into.replaceScope(scope, view.version, answer.figures);
  if (answer.live && answer.figures.length) businessDate = answer.figures[0].as_of;
}

async function loadTargets(ids: string[]): Promise<void> {
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      try {
        targets.set(id, await api.targets(id, view.asOf));
      } catch (error) {
        problem(explain(error));
      }
    }),
  );
  scheduleRender();
}

/** As of a past day a figure counts only facts recorded by then, so the earlier points stay put; in live mode the
 * last point is the live figures, kept current by the stream. */
async function loadTrend(): Promise<void> {
  const scope = view.selected;
  if (!scope) return;
  const days = asOfDays(view.asOf ?? businessDate ?? new Date().toISOString().slice(0, 10));
  try {
    const answers = await Promise.all(days.map((day) => api.figures(scope, view.version, day, "total")));
    if (scope !== view.selected) return;
    trend = answers.map((answer, i) => ({ day: days[i], figures: answer.figures }));
    render();
  } catch (error) {
    problem(explain(error));
  }
}

function applyChange(change: FigureChange): void {
  const [scope, dimension] = parseLabel(change.scope);
  // Breakdown cells are kept for the scope on screen only; every scope's totals feed the overview.
  if (change.metric_version !== view.version || (dimension !== "total" && scope !== view.selected)) return;
  const isNew = !table.metrics(scope, view.version).length;
  table.apply(change);
  if (isNew) void loadTargets([api.scopeId(scope)]);
  if (scope === view.selected) businessDate = change.as_of;
}

function onFigure(change: FigureChange): void {
  if (view.asOf) return throttled("reload", AS_OF_RELOAD_MS, reload); // a back-dated fact can move D's figures
  if (loading) loading.push(change);
  else applyChange(change);
  scheduleRender();
}

function onAlert(alert: TargetAlert): void {
  showAlert(alert, select);
  if (view.asOf) return; // alerts are today's news; the targets on screen are as of D
  const known = targets.get(alert.partnership_id)?.find((t) => t.target_id === alert.target_id);
  if (!known) return void loadTargets([alert.partnership_id]);
  known.met = alert.kind === "TargetRecovered";
  known.actual = alert.value;
  scheduleRender();
}

const timers = new Map<string, number>();
function throttled(name: string, ms: number, run: () => unknown): void {
  if (timers.has(name)) return;
  timers.set(name, window.setTimeout(() => (timers.delete(name), run()), ms));
}

function scheduleRender(): void {
  throttled("render", 150, render);
}

function render(): void {
  overview.render({ table, version: view.version, selected: view.selected, targets, select });
  const scope = view.selected;
  byId("detail").hidden = !scope;
  const when = view.asOf ? `as of ${view.asOf}` : `live${businessDate ? `, business date ${businessDate}` : ""}`;
  byId("as-of-label").textContent = when;
  if (!scope) return;
  const kind = api.scopeKind(scope) === "rollup" ? "Roll-up" : "Partnership";
  byId("detail-title").textContent = `${kind} ${shortId(api.scopeId(scope))}`;
  byId("detail-title").title = scope;
  byId("detail-when").textContent = `${when} · metric version ${view.version}`;
  renderFunnel(table, scope, view.version);
  renderBreakdown(table, scope, view.version);
  renderCohorts(table, scope, view.version);
  if (trend.length) renderAsOf(view.asOf ? trend : [...trend.slice(0, -1), { day: trend[trend.length - 1].day, figures: table.totals(scope, view.version) }]);
}

function select(scope: string): void {
  view.selected = scope;
  trend = [];
  void reload();
}

function onStreamState(state: StreamState, detail: string): void {
  const badge = byId("stream-status");
  badge.dataset.state = state;
  badge.textContent = { connecting: "connecting…", live: "live", unauthorised: "sign in", down: "reconnecting…" }[state];
  badge.title = detail;
  if (state === "unauthorised") problem("Sign in: the figures stream needs a bearer token.");
}

function restartStream(): void {
  streamStop.abort();
  streamStop = new AbortController();
  follow({ ready: () => void reload(), figure: onFigure, alert: onAlert, state: onStreamState }, streamStop.signal);
  window.setTimeout(() => loadedOnce || void reload(), STREAM_GRACE_MS);
}

function wireControls(): void {
  const asOf = byId<HTMLInputElement>("as-of");
  const version = byId<HTMLSelectElement>("version");
  asOf.value = view.asOf ?? "";
  version.value = String(view.version);
  asOf.onchange = () => ((view.asOf = asOf.value || null), void reload());
  byId("live").onclick = () => ((asOf.value = ""), (view.asOf = null), void reload());
  version.onchange = () => ((view.version = Number(version.value)), void reload());
  for (const id of ["breakdown-dimension", "breakdown-metric"]) byId(id).onchange = render;
  window.onhashchange = () => (Object.assign(view, readHash()), void reload());
  wireSignIn();
}

function wireSignIn(): void {
  const dialog = byId<HTMLDialogElement>("auth");
  const token = byId<HTMLTextAreaElement>("token");
  const status = byId("auth-status");
  const done = () => (dialog.close(), restartStream());
  byId("auth-open").onclick = () => ((token.value = currentToken() ?? ""), dialog.showModal());
  byId("auth-save").onclick = () => (rememberToken(token.value), done());
  byId("auth-forget").onclick = () => (signOut(), done());
  byId("auth-sign-in").onclick = async () => {
    try {
      await signIn(byId<HTMLInputElement>("client-id").value, byId<HTMLInputElement>("client-secret").value);
      done();
    } catch (error) {
      status.textContent = explain(error);
    }
  };
}

wireControls();
restartStream();
