// The figures on screen, keyed like the figures table; stream changes are applied to it in place.
import type { Figure } from "./api";
import type { FigureChange } from "./stream";

export function keyOf(scope: string, dimension: string, bucket: string, metric: string, version: number): string {
  return `${scope}|${dimension}|${bucket}|${metric}|${version}`;
}

/** "partnership:<id>/home_region=Bijie" -> ["partnership:<id>", "home_region", "Bijie"] (publishing.scope_label). */
export function parseLabel(label: string): [string, string, string] {
  const slash = label.indexOf("/");
  if (slash < 0) return [label, "total", ""];
  const cell = label.slice(slash + 1);
  const equals = cell.indexOf("=");
  return [label.slice(0, slash), cell.slice(0, equals), cell.slice(equals + 1)];
}

export class FigureTable {
  private readonly byKey = new Map<string, Figure>();

  put(figure: Figure): void {
    this.byKey.set(keyOf(figure.scope, figure.dimension, figure.bucket, figure.metric, figure.version), figure);
  }

  replaceScope(scope: string, version: number, found: Figure[]): void {
    for (const [key, figure] of this.byKey) {
      if (figure.scope === scope && figure.version === version) this.byKey.delete(key);
    }
    found.forEach((figure) => this.put(figure));
  }

  apply(change: FigureChange): Figure {
    const [scope, dimension, bucket] = parseLabel(change.scope);
    const figure: Figure = {
      scope,
      dimension,
      bucket,
      metric: change.metric,
      version: change.metric_version,
      numerator: change.numerator,
      denominator: change.denominator,
      value: change.value,
      final: change.final,
      as_of: change.as_of,
    };
    this.put(figure);
    return figure;
  }

  get(scope: string, metric: string, version: number, dimension = "total", bucket = ""): Figure | undefined {
    return this.byKey.get(keyOf(scope, dimension, bucket, metric, version));
  }

  /** Buckets of one dimension of a scope, in a stable order (years and names ascending). */
  buckets(scope: string, dimension: string, version: number): string[] {
    const found = new Set<string>();
    for (const figure of this.byKey.values()) {
      if (figure.scope === scope && figure.dimension === dimension && figure.version === version) {
        found.add(figure.bucket);
      }
    }
    return [...found].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  }

  metrics(scope: string, version: number): string[] {
    const found = new Set<string>();
    for (const figure of this.byKey.values()) {
      if (figure.scope === scope && figure.version === version && figure.dimension === "total") found.add(figure.metric);
    }
    return [...found];
  }

  totals(scope: string, version: number): Figure[] {
    return [...this.byKey.values()].filter((f) => f.scope === scope && f.version === version && f.dimension === "total");
  }

  scopes(): string[] {
    return [...new Set([...this.byKey.values()].map((f) => f.scope))];
  }

  clear(): void {
    this.byKey.clear();
  }
}
