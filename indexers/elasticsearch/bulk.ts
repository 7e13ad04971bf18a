/**
 * `_bulk` in bounded batches. Batches are cut by operation count and by bytes, and each one is
 * awaited before the next is sent, so a large document never holds more than one batch in
 * flight and a slow cluster slows the writer down instead of filling its memory. Items the
 * cluster rejects for load (429) are sent again with backoff; other item failures are returned
 * to the caller, which knows which ones it expects (a delete of a missing id, say).
 */
import { GaveUp } from "../resilience/failures.js";
import { Resilience } from "../resilience/resilience.js";
import type { EsConnection } from "./connection.js";

export interface BulkOp {
  action: "index" | "create" | "delete" | "update";
  index: string;
  id: string;
  routing: string;
  /** The document for index/create, the partial document for update. */
  doc?: Record<string, unknown>;
}

export interface BulkFailure {
  op: BulkOp;
  status: number;
  type: string;
  reason: string;
}

export interface BulkLimits {
  maxOps: number;
  maxBytes: number;
  /** Resends of items rejected with 429 before giving up on them. */
  retries: number;
}

interface Serialized {
  op: BulkOp;
  lines: string[];
  bytes: number;
}

interface BulkResponseItem {
  status: number;
  error?: { type?: string; reason?: string };
}

function serialize(op: BulkOp): Serialized {
  // Updates merge into the stored source; a concurrent update of the same chunk is retried.
  const retry = op.action === "update" ? { retry_on_conflict: 3 } : {};
  const header = JSON.stringify({
    [op.action]: { _index: op.index, _id: op.id, routing: op.routing, ...retry },
  });
  const lines = [header];
  if (op.action === "update") lines.push(JSON.stringify({ doc: op.doc ?? {} }));
  else if (op.action !== "delete") lines.push(JSON.stringify(op.doc ?? {}));
  return { op, lines, bytes: lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) };
}

/** Items of a round that the cluster rejected for load; the round's other items landed. */
class ItemsRejected extends Error {
  constructor(readonly failures: BulkFailure[]) {
    super(`${failures.length} bulk item(s) rejected with 429`);
  }
}

export async function runBulk(
  conn: EsConnection,
  ops: BulkOp[],
  limits: BulkLimits,
): Promise<BulkFailure[]> {
  const failures: BulkFailure[] = [];
  let batch: Serialized[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    bytes = 0;
    failures.push(...(await sendBatch(conn, sent, limits.retries)));
  };
  for (const op of ops) {
    const item = serialize(op);
    if (batch.length > 0 && (batch.length >= limits.maxOps || bytes + item.bytes > limits.maxBytes))
      await flush();
    batch.push(item);
    bytes += item.bytes;
  }
  await flush();
  return failures;
}

/**
 * Sends one batch, then only its items rejected with 429 again, under the shared retry policy
 * (backoff with full jitter from 100 ms, at most 5 s); the request itself goes through the
 * connection's own policy and breaker.
 */
async function sendBatch(
  conn: EsConnection,
  items: Serialized[],
  retries: number,
): Promise<BulkFailure[]> {
  const failed: BulkFailure[] = [];
  let pending = items;
  const resend = new Resilience({
    retry: { maxAttempts: retries + 1, baseDelayMs: 100, maxDelayMs: 5000 },
    classify: (error) =>
      error instanceof ItemsRejected ? { kind: "transient" } : { kind: "unrelated" },
  });
  try {
    await resend.run(async () => {
      const body = pending.flatMap((i) => i.lines);
      // require_alias: a vanished alias must fail the write, not auto-create an index by its name.
      const response = await conn.call("bulk write", (client) =>
        client.bulk({ operations: body, require_alias: true }),
      );
      const rejected: Serialized[] = [];
      const rejections: BulkFailure[] = [];
      if (response.errors) {
        response.items.forEach((entry, i) => {
          const result = Object.values(entry)[0] as BulkResponseItem | undefined;
          const item = pending[i];
          if (result === undefined || item === undefined || result.error === undefined) return;
          const failure = {
            op: item.op,
            status: result.status,
            type: result.error.type ?? "",
            reason: result.error.reason ?? "",
          };
          if (result.status === 429) {
            rejected.push(item);
            rejections.push(failure);
          } else failed.push(failure);
        });
      }
      pending = rejected;
      if (rejected.length > 0) throw new ItemsRejected(rejections);
    });
  } catch (error) {
    if (!(error instanceof GaveUp && error.cause instanceof ItemsRejected)) throw error;
    failed.push(...error.cause.failures);
  }
  return failed;
}

/** Throws on failures the caller did not expect; `expected` says which ones are fine. */
export function assertBulk(
  failures: BulkFailure[],
  what: string,
  expected: (f: BulkFailure) => boolean = () => false,
): void {
  const unexpected = failures.filter((f) => !expected(f));
  const first = unexpected[0];
  if (first === undefined) return;
  throw new Error(
    `Elasticsearch ${what}: ${unexpected.length} item(s) failed, first ${first.op.action} ${first.op.id}: ${first.status} ${first.type}: ${first.reason}`,
  );
}
