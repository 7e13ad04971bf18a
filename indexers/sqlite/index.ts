export {
  openSqliteStore,
  SqliteStore,
  DEFAULT_WEIGHTS,
  MAX_PAGE_LIMIT,
  type SqliteStoreOptions,
} from "./sqlite-store.js";
export { parseQuery, type ParsedQuery, type QueryOptions } from "./query.js";
export { ENGLISH_STOPWORDS } from "../text/stopwords.js";
export type { ColumnWeights, FtsColumn } from "./search.js";
