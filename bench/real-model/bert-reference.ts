/**
 * An independent BERT forward pass in plain TypeScript (float64 arithmetic over the float32
 * weights, one unpadded sequence at a time), written from the BertModel definition rather than
 * from the ONNX graph, so that agreement between the two proves the graph. Slow (a few hundred
 * milliseconds per short sentence) and meant only for verification.
 */
import type { BertWeights, LayerNormWeights, Linear } from "./bert-weights.js";

/**
 * erf to ~1e-15: the Maclaurin series below 3 (terms stay under e^9, so float64 keeps ~12
 * digits), the Laplace continued fraction for erfc above. JavaScript has no Math.erf.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  let result: number;
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    result = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …)))))
    let f = a;
    for (let n = 120; n >= 1; n--) f = a + n / 2 / f;
    result = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -result : result;
}

function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** rows × in → rows × out, y = x Wᵀ + b with W in PyTorch's [out, in] layout. */
function linear(x: Float64Array, rows: number, l: Linear): Float64Array {
  const { inFeatures: n, outFeatures: m, weight, bias } = l;
  const y = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++) {
    const xr = r * n;
    for (let o = 0; o < m; o++) {
      const wr = o * n;
      let s = bias[o]!;
      for (let i = 0; i < n; i++) s += x[xr + i]! * weight[wr + i]!;
      y[r * m + o] = s;
    }
  }
  return y;
}

function layerNorm(
  x: Float64Array,
  rows: number,
  h: number,
  w: LayerNormWeights,
  eps: number,
): Float64Array {
  const y = new Float64Array(rows * h);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < h; i++) mean += x[r * h + i]!;
    mean /= h;
    let variance = 0;
    for (let i = 0; i < h; i++) variance += (x[r * h + i]! - mean) ** 2;
    variance /= h;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < h; i++) {
      y[r * h + i] = (x[r * h + i]! - mean) * inv * w.gamma[i]! + w.beta[i]!;
    }
  }
  return y;
}

/** last_hidden_state [seq, hidden] for one sequence with no padding. */
export function bertForward(
  weights: BertWeights,
  inputIds: number[],
  tokenTypeIds: number[] = inputIds.map(() => 0),
): Float64Array {
  const { config } = weights;
  const h = config.hiddenSize;
  const heads = config.numHeads;
  const d = h / heads;
  const s = inputIds.length;
  if (s > config.maxPositions)
    throw new Error(`sequence of ${s} tokens exceeds ${config.maxPositions}`);

  let x: Float64Array = new Float64Array(s * h);
  for (let t = 0; t < s; t++) {
    const id = inputIds[t]!;
    const type = tokenTypeIds[t]!;
    for (let i = 0; i < h; i++) {
      x[t * h + i] =
        weights.wordEmbeddings[id * h + i]! +
        weights.positionEmbeddings[t * h + i]! +
        weights.tokenTypeEmbeddings[type * h + i]!;
    }
  }
  x = layerNorm(x, s, h, weights.embeddingNorm, config.layerNormEps);

  for (const layer of weights.layers) {
    const q = linear(x, s, layer.query);
    const k = linear(x, s, layer.key);
    const v = linear(x, s, layer.value);
    const context = new Float64Array(s * h);
    const scores = new Float64Array(s);
    for (let head = 0; head < heads; head++) {
      const off = head * d;
      for (let t = 0; t < s; t++) {
        let max = -Infinity;
        for (let u = 0; u < s; u++) {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += q[t * h + off + i]! * k[u * h + off + i]!;
          scores[u] = dot / Math.sqrt(d);
          if (scores[u]! > max) max = scores[u]!;
        }
        let total = 0;
        for (let u = 0; u < s; u++) {
          scores[u] = Math.exp(scores[u]! - max);
          total += scores[u]!;
        }
        for (let u = 0; u < s; u++) {
          const p = scores[u]! / total;
          for (let i = 0; i < d; i++)
            context[t * h + off + i] = context[t * h + off + i]! + p * v[u * h + off + i]!;
        }
      }
    }
    const attention = linear(context, s, layer.attentionOutput);
    for (let i = 0; i < attention.length; i++) attention[i] = attention[i]! + x[i]!;
    x = layerNorm(attention, s, h, layer.attentionNorm, config.layerNormEps);

    const up = linear(x, s, layer.intermediate);
    for (let i = 0; i < up.length; i++) up[i] = gelu(up[i]!);
    const down = linear(up, s, layer.output);
    for (let i = 0; i < down.length; i++) down[i] = down[i]! + x[i]!;
    x = layerNorm(down, s, h, layer.outputNorm, config.layerNormEps);
  }
  return x;
}

/** Mean over tokens, then L2-normalised: the sentence-transformers recipe for all-MiniLM-L6-v2. */
export function meanPooledNormalized(hidden: Float64Array, seq: number, h: number): Float64Array {
  const out = new Float64Array(h);
  for (let t = 0; t < seq; t++)
    for (let i = 0; i < h; i++) out[i] = out[i]! + hidden[t * h + i]! / seq;
  const norm = Math.hypot(...out);
  for (let i = 0; i < h; i++) out[i] = out[i]! / Math.max(norm, 1e-12);
  return out;
}
