/**
 * git compares paths and patterns as bytes. We keep them as "byte strings": one UTF-16 unit
 * per UTF-8 byte (latin1 of the UTF-8 encoding). Then charCodeAt is a byte, `<` is byte order,
 * and ASCII strings, by far the common case, need no conversion at all.
 */

const NON_ASCII = /[\u0080-\uffff]/;

export function toByteString(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, "utf8").toString("latin1") : s;
}

export function bufferToByteString(buf: Buffer): string {
  return buf.toString("latin1");
}
