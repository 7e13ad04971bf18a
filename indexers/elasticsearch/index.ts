export {
  openElasticsearchStore,
  ElasticsearchStore,
  MAX_PAGE_LIMIT,
} from "./elasticsearch-store.js";
export { DEFAULT_WEIGHTS, type ElasticsearchStoreOptions } from "./options.js";
export type { ColumnWeights } from "./queries.js";
export { globToRegexp, type GlobRegexp } from "./glob-regexp.js";
