/**
 * The model folder's own tokenizer through @huggingface/transformers (the same code the local
 * embedder's worker runs), for the reference forward pass and for measuring text lengths.
 */

export interface Tokenizer {
  encode(text: string): number[];
  model_max_length?: number;
}

interface TransformersModule {
  env: { localModelPath: string; allowRemoteModels: boolean; allowLocalModels: boolean };
  AutoTokenizer: { from_pretrained(model: string): Promise<Tokenizer> };
}

/** A variable, not a literal: the package is optional, and the build must not need its types. */
const TRANSFORMERS = "@huggingface/transformers";

export async function loadTokenizer(localModelPath: string, modelId: string): Promise<Tokenizer> {
  const transformers = (await import(TRANSFORMERS)) as TransformersModule;
  transformers.env.localModelPath = localModelPath.endsWith("/")
    ? localModelPath
    : `${localModelPath}/`;
  transformers.env.allowLocalModels = true;
  transformers.env.allowRemoteModels = false;
  return transformers.AutoTokenizer.from_pretrained(modelId);
}
