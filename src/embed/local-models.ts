/**
 * What each known local model needs beyond its weights: how to pool token vectors into one,
 * and the instruction its queries were trained with. A model missing here pools by mean with
 * no prefix unless the configuration says otherwise.
 */
import type { Pooling } from "./local-protocol.js";

export const DEFAULT_LOCAL_MODEL = "Xenova/bge-small-en-v1.5";

const BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: ";

export interface LocalModelProfile {
  pooling: Pooling;
  queryPrefix: string;
}

const PROFILES: Record<string, LocalModelProfile> = {
  "Xenova/bge-small-en-v1.5": { pooling: "cls", queryPrefix: BGE_QUERY_PREFIX },
  "Xenova/bge-base-en-v1.5": { pooling: "cls", queryPrefix: BGE_QUERY_PREFIX },
  "Xenova/all-MiniLM-L6-v2": { pooling: "mean", queryPrefix: "" },
};

export function localModelProfile(model: string): LocalModelProfile {
  return PROFILES[model] ?? { pooling: "mean", queryPrefix: "" };
}
