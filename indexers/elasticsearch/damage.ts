/**
 * What makes a docindex index on Elasticsearch damaged, found when the store opens: the live
 * alias is gone while docindex's numbered indices are still there (someone removed it, or a
 * snapshot restore left it out), or the index behind it has a mapping that is not docindex's
 * (a field missing, or of another type: written by hand, or an index template got in first).
 * Either way the index cannot be trusted, and it is not derived data docindex may drop on its
 * own (a team may share it): the store refuses to open with an error naming the index and the
 * remedy, `docindex reindex --full`, which opens it with `repair` and builds a new index.
 */
import { StoreError } from "../store.js";
import type { EsConnection } from "./connection.js";
import { PROPERTIES } from "./mapping.js";
import type { Layout } from "./layout.js";

export const REPAIR_HINT = "run `docindex reindex --full` to build a new index from the workspace";

/** Fields of docindex's mapping that are missing or of another type in `actual`. */
export function mappingMismatches(actual: Record<string, { type?: string }> | undefined): string[] {
  const wrong: string[] = [];
  for (const [field, expected] of Object.entries(PROPERTIES)) {
    const want = (expected as { type?: string }).type;
    const have = actual?.[field];
    if (have === undefined) wrong.push(`${field} is missing`);
    // Elasticsearch leaves `type` out of an object field's mapping.
    else if (want !== "object" && have.type !== want)
      wrong.push(`${field} is ${have.type ?? "an object"}, not ${want}`);
  }
  return wrong;
}

/** Why the live index is damaged, or undefined when it is whole (or does not exist yet). */
export async function findDamage(
  conn: EsConnection,
  layout: Layout,
  physical: string[],
  liveIndex: string | undefined,
): Promise<string | undefined> {
  if (liveIndex === undefined) {
    if (physical.length === 0) return undefined; // a new prefix
    return `its alias '${layout.live}' is missing, though docindex's indices ${physical.join(", ")} exist`;
  }
  const result = await conn.call("read mapping", (c) => c.indices.getMapping({ index: liveIndex }));
  const mappings = Object.values(result)[0]?.mappings as
    { _meta?: { docindex?: unknown }; properties?: Record<string, { type?: string }> } | undefined;
  // An index docindex did not create is another error (layout.ts: choose another prefix).
  if (mappings?._meta?.docindex === undefined) return undefined;
  const wrong = mappingMismatches(mappings.properties);
  if (wrong.length === 0) return undefined;
  const shown =
    wrong.slice(0, 3).join(", ") + (wrong.length > 3 ? `, and ${wrong.length - 3} more` : "");
  return `the mapping of ${liveIndex} does not match docindex's (${shown})`;
}

export function damagedIndexError(layout: Layout, why: string): StoreError {
  return new StoreError(
    "DAMAGED",
    `The Elasticsearch index '${layout.live}' is damaged: ${why}. To fix it, ${REPAIR_HINT}.`,
  );
}
