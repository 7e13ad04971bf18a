/**
 * The int8 twin of the converted model: onnx/model_quantized.onnx, what the local embedder reads
 * for its default dtype q8. Written by onnxruntime's own dynamic quantizer (`quantize_dynamic`,
 * Python, from PyPI), pinned, in a venv under the bench work folder: int8 weights with one scale
 * per output channel, activations quantized per batch at run time (MatMulInteger / DynamicQuantizeLinear,
 * which onnxruntime fuses into DynamicQuantizeMatMul). Cached like the conversion: a marker
 * records the fp32 model's sha256, the pins and the output's size and sha256.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lastLines, readJsonFile, run, sha256File } from "./run-command.js";

/** Pinned so that the same fp32 model always gives the same int8 file. */
export const QUANTIZER_PACKAGES = ["onnxruntime==1.22.1", "onnx==1.18.0"] as const;
/** Bump when the quantization settings below change, so cached files are rebuilt. */
const QUANTIZER_VERSION = 2;
const MARKER = ".docindex-quantization.json";

/**
 * weight_type QInt8 (signed weights, unsigned activations: the u8s8 kernels that AVX2/AVX-512
 * VNNI run fastest); per-channel scales (one per output column: per-tensor scales put the
 * vectors 10x further from fp32, mean 1 − cos 5.4e-2 against 5.6e-3 on 250 SciFact texts, and
 * cost 0.010 semantic nDCG@10); the default op types (the weight MatMuls, and the Gather of the
 * embedding tables, which shrinks the file to a quarter at no measurable cost).
 */
const QUANTIZE_SCRIPT = `
import sys
from onnxruntime.quantization import quantize_dynamic, QuantType
quantize_dynamic(sys.argv[1], sys.argv[2], weight_type=QuantType.QInt8, per_channel=True)
`;

interface QuantizeMarker {
  quantizer: number;
  packages: readonly string[];
  sourceSha256: string;
  onnxSha256: string;
  onnxBytes: number;
}

export interface QuantizedModel {
  path: string;
  sha256: string;
  cached: boolean;
  ms: number;
}

/** A venv of its own: the quantizer's packages never touch the system Python. */
async function ensureVenv(
  venvDir: string,
  log: (line: string) => void,
): Promise<string | { skipped: string }> {
  const python = join(venvDir, "bin", "python");
  const check = existsSync(python)
    ? await run(
        python,
        ["-c", "import onnxruntime, onnx; print(onnxruntime.__version__, onnx.__version__)"],
        60_000,
      )
    : undefined;
  const wanted = QUANTIZER_PACKAGES.map((p) => p.split("==")[1]).join(" ");
  if (check?.ok && check.stdout.trim() === wanted) return python;
  if (!existsSync(python)) {
    log(`real model: python3 -m venv ${venvDir}`);
    const venv = await run("python3", ["-m", "venv", venvDir], 5 * 60_000);
    if (!venv.ok)
      return {
        skipped: `cannot create a Python venv for the quantizer (${lastLines(venv.stderr) || venv.error})`,
      };
  }
  log(`real model: pip install ${QUANTIZER_PACKAGES.join(" ")} into ${venvDir}`);
  const pip = await run(python, ["-m", "pip", "install", "-q", ...QUANTIZER_PACKAGES], 15 * 60_000);
  if (!pip.ok)
    return {
      skipped: `cannot install ${QUANTIZER_PACKAGES.join(" ")} with pip (${lastLines(pip.stderr) || pip.error})`,
    };
  return python;
}

/**
 * Writes `<modelDir>/onnx/model_quantized.onnx` from `<modelDir>/onnx/model.onnx` (whose sha256
 * the caller knows from the conversion marker), unless an intact earlier result of the same
 * source and pins is there. `{ skipped }` when Python, venv or pip are unavailable.
 */
export async function quantizeMiniLm(
  modelDir: string,
  sourceSha256: string,
  venvDir: string,
  log: (line: string) => void = () => undefined,
): Promise<QuantizedModel | { skipped: string }> {
  const source = join(modelDir, "onnx", "model.onnx");
  const target = join(modelDir, "onnx", "model_quantized.onnx");
  const markerPath = join(modelDir, MARKER);
  const marker = readJsonFile<QuantizeMarker>(markerPath);
  if (
    marker?.quantizer === QUANTIZER_VERSION &&
    marker.sourceSha256 === sourceSha256 &&
    marker.packages.join(" ") === QUANTIZER_PACKAGES.join(" ") &&
    existsSync(target) &&
    statSync(target).size === marker.onnxBytes &&
    (await sha256File(target)) === marker.onnxSha256
  ) {
    log(`real model: reusing ${target}`);
    return { path: target, sha256: marker.onnxSha256, cached: true, ms: 0 };
  }

  const python = await ensureVenv(venvDir, log);
  if (typeof python !== "string") return python;
  const started = Date.now();
  const temp = `${target}.${process.pid}.tmp`;
  const result = await run(python, ["-c", QUANTIZE_SCRIPT, source, temp], 10 * 60_000);
  if (!result.ok || !existsSync(temp))
    throw new Error(
      `quantize_dynamic failed on ${source}: ${lastLines(result.stderr) || result.error}`,
    );
  renameSync(temp, target);
  const bytes = readFileSync(target);
  const next: QuantizeMarker = {
    quantizer: QUANTIZER_VERSION,
    packages: QUANTIZER_PACKAGES,
    sourceSha256,
    onnxSha256: createHash("sha256").update(bytes).digest("hex"),
    onnxBytes: bytes.byteLength,
  };
  writeFileSync(markerPath, JSON.stringify(next, null, 2));
  const ms = Date.now() - started;
  log(`real model: wrote ${target} (${(bytes.byteLength / 1e6).toFixed(1)} MB, int8) in ${ms} ms`);
  return { path: target, sha256: next.onnxSha256, cached: false, ms };
}
