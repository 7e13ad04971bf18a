/**
 * BERT encoder weights as PyTorch stores them (Linear weights are [out, in]), read from a
 * safetensors checkpoint by their Hugging Face names. Shared by the ONNX converter and the
 * plain TypeScript reference forward pass, so both read the same numbers.
 */
import type { SafeTensors } from "./safetensors.js";

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
}

/** Reads a Hugging Face BERT config.json; only the absolute-position, GELU variant is supported. */
export function bertConfigFrom(json: Record<string, unknown>): BertConfig {
  const num = (key: string): number => {
    const value = json[key];
    if (typeof value !== "number") throw new Error(`config.json: ${key} is missing`);
    return value;
  };
  if (json.model_type !== "bert")
    throw new Error(`config.json: model_type ${String(json.model_type)}, expected bert`);
  if ((json.hidden_act ?? "gelu") !== "gelu") {
    throw new Error(
      `config.json: hidden_act ${String(json.hidden_act)}, only gelu (erf) is supported`,
    );
  }
  if ((json.position_embedding_type ?? "absolute") !== "absolute") {
    throw new Error("config.json: only absolute position embeddings are supported");
  }
  const config: BertConfig = {
    vocabSize: num("vocab_size"),
    hiddenSize: num("hidden_size"),
    numLayers: num("num_hidden_layers"),
    numHeads: num("num_attention_heads"),
    intermediateSize: num("intermediate_size"),
    maxPositions: num("max_position_embeddings"),
    typeVocabSize: num("type_vocab_size"),
    layerNormEps: typeof json.layer_norm_eps === "number" ? json.layer_norm_eps : 1e-12,
  };
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new Error("config.json: hidden_size is not a multiple of num_attention_heads");
  }
  return config;
}

export interface Linear {
  /** [out, in], row-major. */
  weight: Float32Array;
  bias: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export interface LayerNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
}

export interface BertLayerWeights {
  query: Linear;
  key: Linear;
  value: Linear;
  attentionOutput: Linear;
  attentionNorm: LayerNormWeights;
  intermediate: Linear;
  output: Linear;
  outputNorm: LayerNormWeights;
}

export interface BertWeights {
  config: BertConfig;
  wordEmbeddings: Float32Array;
  positionEmbeddings: Float32Array;
  tokenTypeEmbeddings: Float32Array;
  embeddingNorm: LayerNormWeights;
  layers: BertLayerWeights[];
}

export function loadBertWeights(st: SafeTensors, config: BertConfig): BertWeights {
  // Some checkpoints (BertForPreTraining and friends) prefix everything with "bert.".
  const prefix = st.has("embeddings.word_embeddings.weight") ? "" : "bert.";
  const tensor = (name: string, shape: number[]) => st.f32(prefix + name, shape);
  const h = config.hiddenSize;
  const linear = (name: string, inFeatures: number, outFeatures: number): Linear => ({
    weight: tensor(`${name}.weight`, [outFeatures, inFeatures]),
    bias: tensor(`${name}.bias`, [outFeatures]),
    inFeatures,
    outFeatures,
  });
  // Old TensorFlow-converted checkpoints name LayerNorm parameters gamma/beta.
  const norm = (name: string): LayerNormWeights =>
    st.has(`${prefix}${name}.weight`)
      ? { gamma: tensor(`${name}.weight`, [h]), beta: tensor(`${name}.bias`, [h]) }
      : { gamma: tensor(`${name}.gamma`, [h]), beta: tensor(`${name}.beta`, [h]) };
  const layers: BertLayerWeights[] = [];
  for (let l = 0; l < config.numLayers; l++) {
    const p = `encoder.layer.${l}`;
    layers.push({
      query: linear(`${p}.attention.self.query`, h, h),
      key: linear(`${p}.attention.self.key`, h, h),
      value: linear(`${p}.attention.self.value`, h, h),
      attentionOutput: linear(`${p}.attention.output.dense`, h, h),
      attentionNorm: norm(`${p}.attention.output.LayerNorm`),
      intermediate: linear(`${p}.intermediate.dense`, h, config.intermediateSize),
      output: linear(`${p}.output.dense`, config.intermediateSize, h),
      outputNorm: norm(`${p}.output.LayerNorm`),
    });
  }
  return {
    config,
    wordEmbeddings: tensor("embeddings.word_embeddings.weight", [config.vocabSize, h]),
    positionEmbeddings: tensor("embeddings.position_embeddings.weight", [config.maxPositions, h]),
    tokenTypeEmbeddings: tensor("embeddings.token_type_embeddings.weight", [
      config.typeVocabSize,
      h,
    ]),
    embeddingNorm: norm("embeddings.LayerNorm"),
    layers,
  };
}
