/**
 * Counts an Elasticsearch client's requests by kind (`_bulk`, `_search`, `_mget`, ...) with the
 * client's own diagnostic events: how many, their round-trip time, and the `took` Elasticsearch
 * reports, so a phase's wall time splits into client, network and server time.
 */
import type { Client } from "@elastic/elasticsearch";

export interface KindFigures {
  requests: number;
  roundTripMs: number;
  tookMs: number;
}

/** `_bulk`, `_search`, `_pit`, `_doc`, ...: the last underscore segment of the path. */
function kindOf(method: string, path: string): string {
  const parts = path
    .split("?")[0]!
    .split("/")
    .filter((p) => p.startsWith("_"));
  return `${method} ${parts[parts.length - 1] ?? "/"}`;
}

export class RequestCounter {
  private readonly started = new Map<unknown, number>();
  private readonly figures = new Map<string, KindFigures>();
  private on = false;

  constructor(client: Client) {
    client.diagnostic.on("request", (_error, event) => {
      if (this.on && event) this.started.set(event.meta.request.id, performance.now());
    });
    client.diagnostic.on("response", (_error, event) => {
      if (!this.on || !event) return;
      const id = event.meta.request.id;
      const start = this.started.get(id);
      this.started.delete(id);
      const params = event.meta.request.params;
      const kind = kindOf(params.method, params.path);
      const f = this.figures.get(kind) ?? { requests: 0, roundTripMs: 0, tookMs: 0 };
      f.requests++;
      if (start !== undefined) f.roundTripMs += performance.now() - start;
      const took = (event.body as { took?: unknown } | undefined)?.took;
      if (typeof took === "number") f.tookMs += took;
      this.figures.set(kind, f);
    });
  }

  /** Counts from zero until stop(). */
  start(): void {
    this.figures.clear();
    this.started.clear();
    this.on = true;
  }

  stop(): Map<string, KindFigures> {
    this.on = false;
    return new Map(this.figures);
  }
}

export function totalRequests(figures: Map<string, KindFigures>): number {
  return [...figures.values()].reduce((n, f) => n + f.requests, 0);
}

/** One line per kind: "POST _bulk 12 (340 ms round trip, 210 ms took)". */
export function describeRequests(figures: Map<string, KindFigures>, per = 1): string {
  return [...figures.entries()]
    .sort((a, b) => b[1].requests - a[1].requests)
    .map(
      ([kind, f]) =>
        `${kind} ${(f.requests / per).toFixed(per === 1 ? 0 : 2)} (${(f.roundTripMs / per).toFixed(1)} ms round trip, ${(f.tookMs / per).toFixed(1)} ms took)`,
    )
    .join("; ");
}
