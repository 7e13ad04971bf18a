/** Messages between the search reader pool (search-readers.ts) and its workers. */
import type { SqliteStoreOptions } from "../../indexers/sqlite/index.js";
import type { SearchHit, SearchRequest } from "../../indexers/store.js";

export interface ReaderInit {
  dbPath: string;
  /** The options the main connection was opened with (weights, stopwords), minus callbacks. */
  options: SqliteStoreOptions;
}

export interface ReaderRequest {
  id: number;
  request: SearchRequest;
}

export type ReaderResponse =
  | { id: number; hits: SearchHit[]; error?: undefined }
  | { id: number; hits?: undefined; error: { message: string; code?: string; name?: string } };
