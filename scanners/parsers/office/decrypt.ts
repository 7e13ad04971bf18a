/**
 * Password-protected OOXML (DOCX, XLSX, PPTX): Office saves them as an OLE file holding an
 * `EncryptionInfo` stream and the encrypted ZIP package (`EncryptedPackage`), MS-OFFCRYPTO.
 * This opens agile encryption (version 4.4, what Office has written since 2010: AES with a
 * SHA-1/SHA-2 key derivation) with a configured password; the OLE streams are read with cfb
 * (SheetJS, maintained, Apache-2.0) and the cryptography is Node's. Older standard encryption
 * (version 3.2/4.2, Office 2007) is not opened and keeps the "password required" reason.
 *
 * The key: H0 = hash(salt + password as UTF-16LE), then spinCount rounds of
 * hash(round as uint32 LE + H); each derived key is hash(H + block key) cut or padded with 0x36
 * to the key size. The password is checked with the verifier pair before any package bytes
 * are decrypted; the package is decrypted in 4096-byte segments, each with the IV
 * hash(keyData salt + segment number).
 */
import { createDecipheriv, createHash } from "node:crypto";
import CFB from "cfb";
import { descendants, parseXml } from "./xml.js";

const VERIFIER_INPUT_BLOCK = Buffer.from([0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79]);
const VERIFIER_VALUE_BLOCK = Buffer.from([0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e]);
const KEY_VALUE_BLOCK = Buffer.from([0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6]);
const SEGMENT = 4096;
/** Office writes 100,000; a file that asks for more costs its own time only up to this. */
const MAX_SPIN_COUNT = 10_000_000;

const HASHES: Record<string, string> = {
  SHA1: "sha1",
  SHA256: "sha256",
  SHA384: "sha384",
  SHA512: "sha512",
};

interface CipherParams {
  salt: Buffer;
  keyBits: number;
  blockSize: number;
  hash: string;
}

/**
 * The decrypted package, or undefined when no password opens it (or the encryption is not
 * agile AES). Throws on a damaged container.
 */
export function decryptPackage(bytes: Buffer, passwords: readonly string[]): Buffer | undefined {
  if (passwords.length === 0) return undefined;
  const container = CFB.read(bytes, { type: "buffer" });
  const info = CFB.find(container, "EncryptionInfo")?.content;
  const encrypted = CFB.find(container, "EncryptedPackage")?.content;
  if (info === undefined || encrypted === undefined) return undefined;
  const infoBytes = Buffer.from(info as Uint8Array);
  if (infoBytes.readUInt16LE(0) !== 4 || infoBytes.readUInt16LE(2) !== 4) return undefined;
  const xml = parseXml(infoBytes.subarray(8).toString("utf8"));
  const keyData = descendants(xml, "keyData")[0];
  const encryptedKey = descendants(xml, "p:encryptedKey")[0];
  if (keyData === undefined || encryptedKey === undefined) return undefined;
  const params = (attrs: Record<string, string>): CipherParams | undefined => {
    const hash = HASHES[attrs["hashAlgorithm"] ?? ""];
    if (
      attrs["cipherAlgorithm"] !== "AES" ||
      attrs["cipherChaining"] !== "ChainingModeCBC" ||
      !hash
    )
      return undefined;
    return {
      salt: Buffer.from(attrs["saltValue"] ?? "", "base64"),
      keyBits: Number(attrs["keyBits"]),
      blockSize: Number(attrs["blockSize"]),
      hash,
    };
  };
  const data = params(keyData.attrs);
  const key = params(encryptedKey.attrs);
  if (data === undefined || key === undefined) return undefined;
  const spins = Math.min(Number(encryptedKey.attrs["spinCount"] ?? 0), MAX_SPIN_COUNT);
  const field = (name: string): Buffer => Buffer.from(encryptedKey.attrs[name] ?? "", "base64");

  for (const password of passwords) {
    const base = spun(key, password, spins);
    const derive = (block: Buffer): Buffer => sized(hashOf(key.hash, base, block), key.keyBits / 8);
    const input = aes(derive(VERIFIER_INPUT_BLOCK), key.salt, field("encryptedVerifierHashInput"));
    const value = aes(derive(VERIFIER_VALUE_BLOCK), key.salt, field("encryptedVerifierHashValue"));
    const expected = hashOf(key.hash, input.subarray(0, key.salt.length));
    if (!value.subarray(0, expected.length).equals(expected)) continue;
    const secret = aes(derive(KEY_VALUE_BLOCK), key.salt, field("encryptedKeyValue")).subarray(
      0,
      data.keyBits / 8,
    );
    return decryptSegments(Buffer.from(encrypted as Uint8Array), secret, data);
  }
  return undefined;
}

function decryptSegments(stream: Buffer, secret: Buffer, data: CipherParams): Buffer {
  const size = Number(stream.readBigUInt64LE(0));
  const body = stream.subarray(8);
  const parts: Buffer[] = [];
  for (let i = 0, offset = 0; offset < body.length; i++, offset += SEGMENT) {
    const index = Buffer.alloc(4);
    index.writeUInt32LE(i);
    const iv = sized(hashOf(data.hash, data.salt, index), data.blockSize);
    const segment = body.subarray(offset, Math.min(offset + SEGMENT, body.length));
    // Segments are whole cipher blocks; a damaged stream's ragged tail is dropped.
    const whole = segment.subarray(0, segment.length - (segment.length % data.blockSize));
    parts.push(aes(secret, iv, whole));
  }
  return Buffer.concat(parts).subarray(0, size);
}

function spun(p: CipherParams, password: string, spins: number): Buffer {
  let h = hashOf(p.hash, p.salt, Buffer.from(password, "utf16le"));
  const round = Buffer.alloc(4);
  for (let i = 0; i < spins; i++) {
    round.writeUInt32LE(i);
    h = hashOf(p.hash, round, h);
  }
  return h;
}

function hashOf(algorithm: string, ...parts: Buffer[]): Buffer {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Cut to `length`, or padded with 0x36 (MS-OFFCRYPTO 2.3.4.11). */
function sized(buffer: Buffer, length: number): Buffer {
  if (buffer.length >= length) return buffer.subarray(0, length);
  return Buffer.concat([buffer, Buffer.alloc(length - buffer.length, 0x36)]);
}

function aes(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}
