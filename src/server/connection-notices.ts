/**
 * Change notices on a server bound to one connection (stdio, or a handshake session over
 * HTTP). Handshake clients ask with `resources/subscribe` and get
 * `notifications/resources/updated` for what they subscribed to, and
 * `notifications/resources/list_changed`. A 2026-07-28 client on stdio asks with
 * `subscriptions/listen`, which the SDK's stdio entry answers and filters; the entry does not
 * say which documents a listen names, so serve.ts reads them off the inbound message and
 * hands them to `listen` here, to be tracked while the listen lasts.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { ChangeNotices } from "./change-notices.js";

export type Era = "legacy" | "modern";

export interface ConnectionNotices {
  /** A `subscriptions/listen` request (by its id) names these documents. */
  listen(id: string | number, uris: string[]): void;
  /** That listen ended (cancelled by the client). */
  cancel(id: string | number): void;
}

export function attachConnectionNotices(
  server: McpServer,
  notices: ChangeNotices,
  era: Era,
): ConnectionNotices {
  const subscribed = new Map<string, () => void>();
  /** Per listen request id: the documents it names, and how to stop tracking them. */
  const listens = new Map<string | number, { uris: Set<string>; untrack: (() => void)[] }>();
  const wants = (uri: string) =>
    subscribed.has(uri) || [...listens.values()].some((listen) => listen.uris.has(uri));
  const cancel = (id: string | number) => {
    for (const untrack of listens.get(id)?.untrack ?? []) untrack();
    listens.delete(id);
  };

  server.server.setRequestHandler("resources/subscribe", (request) => {
    const uri = request.params.uri;
    if (!subscribed.has(uri)) subscribed.set(uri, notices.track(uri));
    return {};
  });
  server.server.setRequestHandler("resources/unsubscribe", (request) => {
    subscribed.get(request.params.uri)?.();
    subscribed.delete(request.params.uri);
    return {};
  });

  const stop = notices.onChange((event) => {
    if (!server.isConnected()) return;
    const sent =
      event.kind === "resources_list_changed"
        ? server.server.sendResourceListChanged()
        : wants(event.uri)
          ? server.server.sendResourceUpdated({ uri: event.uri })
          : undefined;
    // A connection that went away meanwhile: nothing to tell it.
    void sent?.catch(() => undefined);
  });

  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    for (const untrack of subscribed.values()) untrack();
    subscribed.clear();
    for (const id of [...listens.keys()]) cancel(id);
    previous?.();
  };

  return {
    listen: (id, uris) => {
      if (era !== "modern") return;
      cancel(id);
      listens.set(id, { uris: new Set(uris), untrack: uris.map((uri) => notices.track(uri)) });
    },
    cancel,
  };
}
