/**
 * A minimal safetensors reader: 8-byte little-endian header length, a JSON header mapping each
 * tensor name to { dtype, shape, data_offsets: [begin, end] } (offsets relative to the end of the
 * header), then the raw little-endian data. Only F32 tensors are decoded; others are listed.
 */
import { readFileSync } from "node:fs";
import { endianness } from "node:os";

export interface TensorInfo {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export class SafeTensors {
  private constructor(
    private readonly bytes: Buffer,
    private readonly dataStart: number,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    readonly metadata: Record<string, string>,
  ) {}

  static read(path: string): SafeTensors {
    if (endianness() !== "LE")
      throw new Error("safetensors: only little-endian hosts are supported");
    const bytes = readFileSync(path);
    if (bytes.length < 8) throw new Error(`${path}: not a safetensors file (too short)`);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    if (headerLength <= 0 || 8 + headerLength > bytes.length) {
      throw new Error(`${path}: bad safetensors header length ${headerLength}`);
    }
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")) as Record<
      string,
      unknown
    >;
    const dataStart = 8 + headerLength;
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(header)) {
      if (name === "__metadata__") {
        metadata = value as Record<string, string>;
        continue;
      }
      const entry = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
      const [begin, end] = entry.data_offsets;
      if (!(begin >= 0 && end >= begin && dataStart + end <= bytes.length)) {
        throw new Error(`${path}: tensor ${name} lies outside the file`);
      }
      tensors.set(name, { dtype: entry.dtype, shape: entry.shape, begin, end });
    }
    return new SafeTensors(bytes, dataStart, tensors, metadata);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (info === undefined) throw new Error(`safetensors: no tensor ${name}`);
    return info;
  }

  /** A copy of an F32 tensor (aligned, independent of the file buffer), checked against shape. */
  f32(name: string, shape?: number[]): Float32Array {
    const info = this.info(name);
    if (info.dtype !== "F32")
      throw new Error(`safetensors: ${name} is ${info.dtype}, expected F32`);
    if (shape !== undefined && shape.join(",") !== info.shape.join(",")) {
      throw new Error(
        `safetensors: ${name} has shape [${info.shape.join(", ")}], expected [${shape.join(", ")}]`,
      );
    }
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (info.end - info.begin !== count * 4) {
      throw new Error(
        `safetensors: ${name} holds ${info.end - info.begin} bytes for ${count} floats`,
      );
    }
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(
      this.bytes.subarray(this.dataStart + info.begin, this.dataStart + info.end),
    );
    return out;
  }
}
