// The live feed: GET /stream read with fetch, because EventSource cannot send an Authorization header. Events are
// parsed by eventsource-parser; a dropped connection is retried with backoff, and every (re)connection is announced
// by the server's "ready" event, sent once the feed is positioned, after which a full reload misses nothing.
import { EventSourceParserStream } from "eventsource-parser/stream";
import { authorization } from "./auth";

export interface FigureChange {
  partnership_id: string;
  scope: string; // "partnership:<id>" or "partnership:<id>/<dimension>=<bucket>"
  metric: string;
  metric_version: number;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  as_of: string;
  final: boolean;
}

export interface TargetAlert {
  partnership_id: string;
  target_id: string;
  metric: string;
  goal: number;
  value: number | null;
  kind: "TargetBreached" | "TargetRecovered";
}

export type StreamState = "connecting" | "live" | "unauthorised" | "down";

export interface StreamHandlers {
  ready(): void;
  figure(change: FigureChange): void;
  alert(alert: TargetAlert): void;
  state(state: StreamState, detail: string): void;
}

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 15000;

export function follow(handlers: StreamHandlers, stop: AbortSignal): void {
  let delay = FIRST_RETRY_MS;
  const loop = async (): Promise<void> => {
    while (!stop.aborted) {
      handlers.state("connecting", "connecting to the figures stream");
      try {
        await readOnce(handlers, stop, () => (delay = FIRST_RETRY_MS));
        handlers.state("down", "the stream ended; reconnecting");
      } catch (error) {
        if (stop.aborted) return;
        const unauthorised = error instanceof StreamRefused && (error.status === 401 || error.status === 403);
        handlers.state(unauthorised ? "unauthorised" : "down", String((error as Error).message));
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, LAST_RETRY_MS);
    }
  };
  void loop();
}

class StreamRefused extends Error {
  constructor(readonly status: number) {
    super(status === 401 ? "sign in: the stream needs a bearer token" : `the stream answered ${status}`);
  }
}

async function readOnce(handlers: StreamHandlers, stop: AbortSignal, connected: () => void): Promise<void> {
  const response = await fetch("/stream", {
    headers: { Accept: "text/event-stream", ...authorization() },
    signal: stop,
    cache: "no-store",
  });
  if (!response.ok || !response.body) throw new StreamRefused(response.status);
  const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (value.event === "ready") {
      connected();
      handlers.state("live", "following figure changes");
      handlers.ready();
    } else if (value.event === "FigureChanged") {
      handlers.figure(JSON.parse(value.data) as FigureChange);
    } else if (value.event === "TargetBreached" || value.event === "TargetRecovered") {
      handlers.alert({ ...(JSON.parse(value.data) as Omit<TargetAlert, "kind">), kind: value.event });
    }
  }
}
