/**
 * Writes a BERT encoder (Hugging Face BertModel without the pooler) as an ONNX graph, opset 14,
 * standard ops only, the same computation PyTorch's exporter produces for opset < 17:
 *
 *   inputs  input_ids, attention_mask, token_type_ids: int64 [batch, sequence]
 *   output  last_hidden_state: float32 [batch, sequence, hidden]
 *
 *   embeddings = LayerNorm(word[input_ids] + position[0..seq) + token_type[token_type_ids])
 *   each layer:
 *     scores   = (Q Kᵀ) / sqrt(head_dim) + (1 - mask) · float32_min      [batch, heads, seq, seq]
 *     context  = softmax(scores) V, heads merged back to [batch, seq, hidden]
 *     h        = LayerNorm(h + context Woᵀ + bo)
 *     h        = LayerNorm(h + GELU(h W1ᵀ + b1) W2ᵀ + b2),  GELU(x) = x · ½ · (1 + erf(x / √2))
 *   LayerNorm(x) = (x - mean) / sqrt(mean((x - mean)^2) + eps) · gamma + beta, over the last axis
 *   (as Pow/ReduceMean/Sqrt/Div, the pattern onnxruntime fuses into one LayerNormalization).
 */
import type { BertWeights, LayerNormWeights, Linear } from "./bert-weights.js";
import { FLOAT, GraphBuilder, INT64 } from "./onnx-proto.js";

/** Same as torch.finfo(torch.float32).min, what transformers adds for masked keys. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** PyTorch Linear weight [out, in] → MatMul right operand [in, out]. */
export function transposed(linear: Linear): Float32Array {
  const { weight, inFeatures: n, outFeatures: m } = linear;
  const out = new Float32Array(n * m);
  for (let o = 0; o < m; o++) {
    const row = o * n;
    for (let i = 0; i < n; i++) out[i * m + o] = weight[row + i]!;
  }
  return out;
}

export interface BertOnnxOptions {
  /** Written into the model's doc_string and metadata. */
  description: string;
  metadata?: Record<string, string>;
}

export function bertToOnnx(weights: BertWeights, options: BertOnnxOptions): Uint8Array {
  const { config } = weights;
  const h = config.hiddenSize;
  const heads = config.numHeads;
  const headDim = h / heads;
  const g = new GraphBuilder();

  const inputIds = g.input("input_ids", INT64, ["batch_size", "sequence_length"]);
  const attentionMask = g.input("attention_mask", INT64, ["batch_size", "sequence_length"]);
  const tokenTypeIds = g.input("token_type_ids", INT64, ["batch_size", "sequence_length"]);

  // Shared constants.
  const zero = g.int64("const_zero", [], [0]);
  const one = g.int64("const_one", [], [1]);
  const axes12 = g.int64("const_axes_1_2", [2], [1, 2]);
  const splitHeads = g.int64("const_split_heads", [4], [0, 0, heads, headDim]);
  const mergeHeads = g.int64("const_merge_heads", [3], [0, 0, h]);
  const eps = g.float("const_layer_norm_eps", [], [config.layerNormEps]);
  const oneF = g.float("const_one_f", [], [1]);
  const two = g.float("const_two_f", [], [2]);
  const halfF = g.float("const_half_f", [], [0.5]);
  const sqrt2 = g.float("const_sqrt2", [], [Math.SQRT2]);
  const scale = g.float("const_attention_scale", [], [Math.sqrt(headDim)]);
  const maskValue = g.float("const_mask_value", [], [FLOAT32_MIN]);

  const layerNorm = (x: string, w: LayerNormWeights, name: string): string => {
    const gamma = g.float(`${name}.weight`, [h], w.gamma);
    const beta = g.float(`${name}.bias`, [h], w.beta);
    const mean = g.node("ReduceMean", [x], { axes: [-1], keepdims: 1 });
    const centered = g.node("Sub", [x, mean]);
    const squared = g.node("Pow", [centered, two]);
    const variance = g.node("ReduceMean", [squared], { axes: [-1], keepdims: 1 });
    const std = g.node("Sqrt", [g.node("Add", [variance, eps])]);
    const normalized = g.node("Div", [centered, std]);
    return g.node("Add", [g.node("Mul", [normalized, gamma]), beta]);
  };

  const dense = (x: string, linear: Linear, name: string): string => {
    const w = g.float(
      `${name}.weight_t`,
      [linear.inFeatures, linear.outFeatures],
      transposed(linear),
    );
    const b = g.float(`${name}.bias`, [linear.outFeatures], linear.bias);
    return g.node("Add", [g.node("MatMul", [x, w]), b]);
  };

  // Embeddings.
  const wordTable = g.float(
    "embeddings.word_embeddings.weight",
    [config.vocabSize, h],
    weights.wordEmbeddings,
  );
  const positionTable = g.float(
    "embeddings.position_embeddings.weight",
    [config.maxPositions, h],
    weights.positionEmbeddings,
  );
  const typeTable = g.float(
    "embeddings.token_type_embeddings.weight",
    [config.typeVocabSize, h],
    weights.tokenTypeEmbeddings,
  );
  const words = g.node("Gather", [wordTable, inputIds], { axis: 0 });
  const shape = g.node("Shape", [inputIds]);
  const seqLen = g.node("Gather", [shape, one], { axis: 0 }); // scalar
  const positionIds = g.node("Range", [zero, seqLen, one]); // [seq]
  const positions = g.node("Gather", [positionTable, positionIds], { axis: 0 }); // [seq, h]
  const types = g.node("Gather", [typeTable, tokenTypeIds], { axis: 0 });
  const summed = g.node("Add", [g.node("Add", [words, positions]), types]);
  let hidden = layerNorm(summed, weights.embeddingNorm, "embeddings.LayerNorm");

  // Additive attention mask [batch, 1, 1, seq]: 0 where attended, float32 min where padded.
  const maskFloat = g.node("Cast", [attentionMask], { to: FLOAT });
  const maskExpanded = g.node("Unsqueeze", [maskFloat, axes12]);
  const inverted = g.node("Sub", [oneF, maskExpanded]);
  const additiveMask = g.node("Mul", [inverted, maskValue]);

  weights.layers.forEach((layer, l) => {
    const p = `encoder.layer.${l}`;
    const heads4 = (x: string, perm: number[]) =>
      g.node("Transpose", [g.node("Reshape", [x, splitHeads])], { perm });
    const q = heads4(dense(hidden, layer.query, `${p}.attention.self.query`), [0, 2, 1, 3]);
    const kT = heads4(dense(hidden, layer.key, `${p}.attention.self.key`), [0, 2, 3, 1]);
    const v = heads4(dense(hidden, layer.value, `${p}.attention.self.value`), [0, 2, 1, 3]);
    const scores = g.node("Add", [g.node("Div", [g.node("MatMul", [q, kT]), scale]), additiveMask]);
    const probs = g.node("Softmax", [scores], { axis: -1 });
    const context = g.node("MatMul", [probs, v]); // [batch, heads, seq, headDim]
    const merged = g.node("Reshape", [
      g.node("Transpose", [context], { perm: [0, 2, 1, 3] }),
      mergeHeads,
    ]);
    const attention = dense(merged, layer.attentionOutput, `${p}.attention.output.dense`);
    hidden = layerNorm(
      g.node("Add", [attention, hidden]),
      layer.attentionNorm,
      `${p}.attention.output.LayerNorm`,
    );

    const up = dense(hidden, layer.intermediate, `${p}.intermediate.dense`);
    const erf = g.node("Erf", [g.node("Div", [up, sqrt2])]);
    const gelu = g.node("Mul", [g.node("Mul", [up, g.node("Add", [erf, oneF])]), halfF]);
    const down = dense(gelu, layer.output, `${p}.output.dense`);
    const last = l === weights.layers.length - 1;
    const normed = layerNorm(
      g.node("Add", [down, hidden]),
      layer.outputNorm,
      `${p}.output.LayerNorm`,
    );
    hidden = last ? g.node("Identity", [normed], {}, "last_hidden_state") : normed;
  });

  g.output("last_hidden_state", FLOAT, ["batch_size", "sequence_length", h]);
  return g.encode({
    graphName: "bert_encoder",
    producer: "docindex-bench-real-model",
    version: "1",
    docString: options.description,
    opset: 14,
    irVersion: 8,
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  });
}
