/**
 * Documents inside documents (an e-mail's attachments, DocumentRecord.container): finding a
 * container's stored parts, and the part paths that are files of their own. Parts are ordinary
 * documents with their own key; only these two reads know about containers. The caller makes
 * the index fresh first: parts are found by a search.
 */
import type { estypes } from "@elastic/elasticsearch";
import type { WriteContext } from "./writes.js";
import { recordId, type RecordSource } from "./sources.js";

const PAGE = 1000;

/** The paths of the documents stored with one of `containers` as their container. */
export async function storedParts(
  ctx: Pick<WriteContext, "conn" | "index">,
  root: string,
  containers: string[],
): Promise<string[]> {
  if (containers.length === 0) return [];
  const paths: string[] = [];
  let after: estypes.SortResults | undefined;
  for (;;) {
    const page = await ctx.conn.call("find attachments", (c) =>
      c.search<RecordSource>({
        index: ctx.index,
        size: PAGE,
        query: {
          bool: {
            filter: [
              { term: { type: "doc" } },
              { term: { root } },
              { terms: { container: containers } },
            ],
          },
        },
        sort: [{ path: "asc" }],
        _source: ["path"],
        track_total_hits: false,
        ...(after === undefined ? {} : { search_after: after }),
      }),
    );
    for (const hit of page.hits.hits) if (hit._source !== undefined) paths.push(hit._source.path);
    if (page.hits.hits.length < PAGE) return paths;
    after = page.hits.hits[page.hits.hits.length - 1]?.sort;
  }
}

/** Of these keys, those whose record is a file of its own (no container): a realtime `_mget`. */
export async function fileKeys(
  ctx: Pick<WriteContext, "conn" | "index">,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await ctx.conn.call("get documents", (c) =>
    c.mget<RecordSource>({
      index: ctx.index,
      docs: keys.map((key) => ({ _id: recordId(key), routing: key, _source: ["container"] })),
    }),
  );
  const files = new Set<string>();
  found.docs.forEach((d, i) => {
    const key = keys[i];
    if (key !== undefined && "found" in d && d.found && d._source?.container === undefined)
      files.add(key);
  });
  return files;
}
