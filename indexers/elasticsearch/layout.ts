/**
 * Index names and aliases. Readers and writers only ever name aliases: `<prefix>` is the live
 * index, `<prefix>-rebuild` the one a full rebuild is filling. Physical indices are numbered
 * (`<prefix>-000001`, ...) and change only at a rebuild, when one `_aliases` call moves the
 * live alias: every reader, in every process, sees the old index up to that call and the new
 * one after it.
 */
import { StoreError } from "../store.js";
import { isStatus, type EsConnection } from "./connection.js";
import {
  ADDED_FIELDS,
  indexBody,
  PROPERTIES,
  readMeta,
  SCHEMA_VERSION,
  type IndexMeta,
  type IndexShape,
} from "./mapping.js";
import { damagedIndexError, findDamage } from "./damage.js";

export interface Layout {
  live: string;
  rebuild: string;
  prefix: string;
}

export function layoutFor(prefix: string): Layout {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(prefix) || prefix.length > 200) {
    throw new Error(
      `Invalid Elasticsearch index prefix '${prefix}': use lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.`,
    );
  }
  return { prefix, live: prefix, rebuild: `${prefix}-rebuild` };
}

const physicalName = (layout: Layout, n: number): string =>
  `${layout.prefix}-${String(n).padStart(6, "0")}`;

/** The physical index an alias points at, if the alias exists. */
export async function resolveAlias(conn: EsConnection, alias: string): Promise<string | undefined> {
  try {
    const result = await conn.call("resolve alias", (c) => c.indices.getAlias({ name: alias }));
    return Object.keys(result)[0];
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

async function existingNumbers(conn: EsConnection, layout: Layout): Promise<number[]> {
  const result = await conn.call("list indices", (c) =>
    c.indices.get({
      index: `${layout.prefix}-0*`,
      allow_no_indices: true,
      ignore_unavailable: true,
      features: ["aliases"],
    }),
  );
  const own = new RegExp(`^${layout.prefix.replace(/[.]/g, "\\.")}-(\\d{6,})$`);
  return Object.keys(result)
    .map((name) => own.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

async function createIndex(
  conn: EsConnection,
  name: string,
  alias: string,
  shape: IndexShape,
  meta: IndexMeta,
  vectors: Record<string, unknown>,
): Promise<boolean> {
  const body = indexBody(shape, meta, vectors);
  try {
    await conn.call("create index", (c) =>
      c.indices.create({
        index: name,
        ...body,
        aliases: { [alias]: { is_write_index: true } },
        wait_for_active_shards: 1,
      }),
    );
    return true;
  } catch (error) {
    if (isStatus(error, 400) && /resource_already_exists/.test(String((error as Error).message)))
      return false;
    throw error;
  }
}

/**
 * Makes sure the live alias exists, creating the first index when the prefix is new. Two
 * processes starting at once both try `<prefix>-000001`; one creates it (with its alias, in the
 * same call), the other finds it. A damaged index (damage.ts) is an error, unless `repair`: then
 * the live alias moves to a new, empty index, for the full rebuild that follows to fill.
 */
export async function ensureLive(
  conn: EsConnection,
  layout: Layout,
  shape: IndexShape,
  options: { repair?: boolean } = {},
): Promise<IndexMeta> {
  // The indices first: a process creating the first index makes it and its alias in one call,
  // so an index listed here without an alias resolved after it has really lost its alias.
  const physical = (await existingNumbers(conn, layout)).sort((a, b) => a - b);
  const live = await resolveAlias(conn, layout.live);
  if (live !== undefined) await addMissingFields(conn, live);
  const damage = await findDamage(
    conn,
    layout,
    physical.map((n) => physicalName(layout, n)),
    live,
  );
  if (damage !== undefined && !options.repair) throw damagedIndexError(layout, damage);
  const meta = { schema: SCHEMA_VERSION };
  if (live !== undefined && damage !== undefined) {
    // A mapping that is not docindex's: a new index takes the alias; the old one stays, unread.
    await swapLive(conn, layout, live, await createRebuild(conn, layout, shape, meta, {}));
  } else if (live === undefined) {
    // A new prefix gets -000001; a lost alias (repair) the next number, the old ones untouched.
    await createIndex(
      conn,
      physicalName(layout, Math.max(0, ...physical) + 1),
      layout.live,
      shape,
      meta,
      {},
    );
  }
  return checkSchema(conn, layout.live);
}

/**
 * Puts the fields docindex added since an index was created (mapping.ts ADDED_FIELDS) on it.
 * Only on docindex's own index, and a field that exists with another type is left for the
 * damage check to report.
 */
async function addMissingFields(conn: EsConnection, index: string): Promise<void> {
  const result = await conn.call("read mapping", (c) => c.indices.getMapping({ index }));
  const mappings = Object.values(result)[0]?.mappings;
  if (readMeta(mappings) === undefined) return;
  const missing = ADDED_FIELDS.filter((field) => mappings?.properties?.[field] === undefined);
  if (missing.length === 0) return;
  const properties = Object.fromEntries(missing.map((field) => [field, PROPERTIES[field]]));
  await conn.call("add mapping fields", (c) =>
    c.indices.putMapping({ index, properties: properties as never }),
  );
}

export async function readIndexMeta(conn: EsConnection, alias: string): Promise<IndexMeta> {
  const result = await conn.call("read mapping", (c) => c.indices.getMapping({ index: alias }));
  const mapping = Object.values(result)[0]?.mappings;
  const meta = readMeta(mapping);
  if (meta === undefined) {
    throw new Error(
      `Elasticsearch index behind '${alias}' was not created by docindex (no _meta.docindex in its mapping). Choose another DOCINDEX_ES_INDEX_PREFIX.`,
    );
  }
  return meta;
}

async function checkSchema(conn: EsConnection, alias: string): Promise<IndexMeta> {
  const meta = await readIndexMeta(conn, alias);
  if (meta.schema > SCHEMA_VERSION) {
    throw new StoreError(
      "SCHEMA_TOO_NEW",
      `The Elasticsearch index '${alias}' was written by a newer docindex (schema ${meta.schema}, this one knows ${SCHEMA_VERSION}). Upgrade docindex or rebuild with --full.`,
    );
  }
  return meta;
}

/**
 * Creates the next physical index behind the rebuild alias. A rebuild alias left by a run
 * that died is dropped first: its index holds a partial copy nobody reads.
 */
export async function createRebuild(
  conn: EsConnection,
  layout: Layout,
  shape: IndexShape,
  meta: IndexMeta,
  vectors: Record<string, unknown>,
): Promise<string> {
  const stale = await resolveAlias(conn, layout.rebuild);
  if (stale !== undefined) await dropIndex(conn, stale);
  const numbers = await existingNumbers(conn, layout);
  const name = physicalName(layout, Math.max(0, ...numbers) + 1);
  if (!(await createIndex(conn, name, layout.rebuild, shape, meta, vectors))) {
    throw new Error(
      `Elasticsearch index ${name} already exists: is another rebuild of '${layout.prefix}' running?`,
    );
  }
  return name;
}

/** Points the live alias at the rebuilt index in one atomic `_aliases` call. */
export async function swapLive(
  conn: EsConnection,
  layout: Layout,
  from: string | undefined,
  to: string,
): Promise<void> {
  const actions: object[] = [{ remove: { index: to, alias: layout.rebuild } }];
  if (from !== undefined) actions.push({ remove: { index: from, alias: layout.live } });
  actions.push({ add: { index: to, alias: layout.live, is_write_index: true } });
  await conn.call("swap aliases", (c) => c.indices.updateAliases({ actions: actions as never }));
}

export async function dropIndex(conn: EsConnection, name: string): Promise<void> {
  try {
    await conn.call("delete index", (c) => c.indices.delete({ index: name }));
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
}
