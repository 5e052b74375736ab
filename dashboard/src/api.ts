// Typed calls to the assessment API (services/assessment/api.py), each with the bearer token.
import { authorization } from "./auth";

export type ScopeKind = "partnership" | "rollup";

export interface Figure {
  scope: string;
  dimension: string;
  bucket: string;
  metric: string;
  version: number;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  final: boolean;
  as_of: string;
}

export interface FiguresOut {
  scope: string;
  generation: string;
  as_of: string | null;
  live: boolean;
  figures: Figure[];
}

export interface Ranked {
  rank: number;
  scope: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  final: boolean;
}

export interface Target {
  target_id: string;
  metric: string;
  comparison: "at_least" | "at_most";
  goal: number;
  class_id: string | null;
  actual: number | null;
  met: boolean | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const url = query.size ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json", ...authorization() } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new ApiError(response.status, problem.detail ?? `${url} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export function scopeId(scope: string): string {
  return scope.slice(scope.indexOf(":") + 1);
}

export function scopeKind(scope: string): ScopeKind {
  return scope.startsWith("rollup:") ? "rollup" : "partnership";
}

export function figures(
  scope: string,
  version: number,
  asOf: string | null,
  dimension?: string,
): Promise<FiguresOut> {
  const base = scopeKind(scope) === "rollup" ? "rollups" : "partnerships";
  return get(`/${base}/${scopeId(scope)}/figures`, { version, dimension, as_of: asOf ?? undefined });
}

export async function ranking(metric: string, kind: ScopeKind, version: number): Promise<Ranked[]> {
  const answer = await get<{ ranking: Ranked[] }>(`/rankings/${encodeURIComponent(metric)}`, {
    kind,
    version,
    limit: 1000,
  });
  return answer.ranking;
}

/** The targets in force on D (today when null) against their figures as of D. */
export function targets(partnershipId: string, asOf: string | null): Promise<Target[]> {
  return get(`/partnerships/${partnershipId}/targets`, { as_of: asOf ?? undefined });
}
