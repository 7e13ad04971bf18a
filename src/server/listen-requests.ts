/**
 * Reading a `subscriptions/listen` request (2026-07-28) for the documents it names, and a
 * cancellation for the request it ends. The SDK's entries answer listens themselves and do
 * not tell which documents a listen names; docindex needs them to know what to look at
 * again after indexing (change-notices.ts).
 */
export interface ListenRequest {
  id: string | number;
  uris: string[];
}

type Message = { method?: unknown; id?: unknown; params?: unknown };

export function listenRequestOf(message: unknown): ListenRequest | undefined {
  const m = message as Message | null;
  if (m?.method !== "subscriptions/listen") return undefined;
  if (typeof m.id !== "string" && typeof m.id !== "number") return undefined;
  const params = m.params as { notifications?: { resourceSubscriptions?: unknown } } | undefined;
  const uris = params?.notifications?.resourceSubscriptions;
  return {
    id: m.id,
    uris: Array.isArray(uris) ? uris.filter((u): u is string => typeof u === "string") : [],
  };
}

/** The request id a `notifications/cancelled` ends, if the message is one. */
export function cancelledRequestOf(message: unknown): string | number | undefined {
  const m = message as Message | null;
  if (m?.method !== "notifications/cancelled") return undefined;
  const id = (m.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}
