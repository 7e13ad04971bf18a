/**
 * The model folder's own tokenizer through @huggingface/transformers (the same code the local
 * embedder's worker runs), for the reference forward pass and for measuring text lengths.
 */

export interface Tokenizer {
  encode(text: string): number[];
  model_max_length?: number;
}

interface TransformersModule {
  AutoTokenizer: { from_pretrained(model: string): Promise<Tokenizer> };
}

/** A variable, not a literal: the package is optional, and the build must not need its types. */
const TRANSFORMERS = "@huggingface/transformers";

/** The package, set to read models from `localModelPath` only (never the hub). */
export async function loadTransformersOffline<T>(localModelPath: string): Promise<T> {
  const transformers = (await import(TRANSFORMERS)) as T & {
    env: { localModelPath: string; allowRemoteModels: boolean; allowLocalModels: boolean };
  };
  transformers.env.localModelPath = localModelPath.endsWith("/")
    ? localModelPath
    : `${localModelPath}/`;
  transformers.env.allowLocalModels = true;
  transformers.env.allowRemoteModels = false;
  return transformers;
}

export async function loadTokenizer(localModelPath: string, modelId: string): Promise<Tokenizer> {
  const transformers = await loadTransformersOffline<TransformersModule>(localModelPath);
  return transformers.AutoTokenizer.from_pretrained(modelId);
}
