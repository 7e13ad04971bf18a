/**
 * Every named character reference of HTML, read out of the decoding trie that the entities
 * package ships and parse5 decodes with (neither exports the names as a list). The trie layout
 * is the one entities' own decoder walks (src/internal/bin-trie-flags.ts): a 16-bit word per
 * node holding the value length, a flag, and either a run of characters or a branch table.
 * Asking the decoder itself does not work for this: past an inline value it reads the value's
 * bits as branches and accepts names that do not exist.
 */
import { htmlDecodeTree } from "entities/decode";

export interface NamedReference {
  /** As written after "&", e.g. "amp;" or, for a legacy reference, "amp". */
  reference: string;
  /** The characters the trie says it stands for. */
  value: string;
}

const VALUE_LENGTH = 0b1100_0000_0000_0000;
const FLAG13 = 0b0010_0000_0000_0000;
const BRANCH_LENGTH = 0b0001_1111_1000_0000;
const JUMP_TABLE = 0b0000_0000_0111_1111;

const word = (index: number): number => htmlDecodeTree[index] ?? 0;

/** The children of the node at `index`: [character, node index]. */
function branches(index: number, valueLength: number): [string, number][] {
  const current = word(index);
  const count = (current & BRANCH_LENGTH) >> 7;
  const jump = current & JUMP_TABLE;
  const first = index + Math.max(1, valueLength);
  if (count === 0) return jump === 0 ? [] : [[String.fromCharCode(jump), first]];
  const found: [string, number][] = [];
  if (jump !== 0) {
    for (let v = 0; v < count; v++)
      if (word(first + v) !== 0) found.push([String.fromCharCode(jump + v), word(first + v) - 1]);
    return found;
  }
  // Two 8-bit keys per word, then one node index per key.
  const slots = (count + 1) >> 1;
  for (let m = 0; m < count; m++) {
    const key = (word(first + (m >> 1)) >> ((m & 1) * 8)) & 0xff;
    found.push([String.fromCharCode(key), word(first + slots + m)]);
  }
  return found;
}

/** A compact run spells several characters in one node; returns them and the node after. */
function run(index: number): { text: string; next: number } {
  const current = word(index);
  const length = (current & BRANCH_LENGTH) >> 7;
  let text = String.fromCharCode(current & JUMP_TABLE);
  for (let k = 0; k < length - 1; k++)
    text += String.fromCharCode((word(index + 1 + (k >> 1)) >> ((k & 1) * 8)) & 0xff);
  return { text, next: index + 1 + (length >> 1) };
}

export function namedReferences(): NamedReference[] {
  const found: NamedReference[] = [];
  const pending: [string, number][] = [["", 0]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    let [name, index] = item;
    if ((word(index) & VALUE_LENGTH) === 0 && (word(index) & FLAG13) !== 0) {
      const spelled = run(index);
      name += spelled.text;
      index = spelled.next;
    }
    const current = word(index);
    const valueLength = (current & VALUE_LENGTH) >> 14;
    if (valueLength !== 0) {
      const value =
        valueLength === 1
          ? String.fromCodePoint(current & ~(VALUE_LENGTH | FLAG13))
          : String.fromCodePoint(
              ...[word(index + 1), ...(valueLength === 3 ? [word(index + 2)] : [])],
            );
      // The flag marks a name that needs its semicolon, which the trie then leaves implicit.
      const implicitSemicolon = (current & FLAG13) !== 0;
      found.push({ reference: implicitSemicolon ? `${name};` : name, value });
      // An inline value fills the node's word: such a node has no children.
      if (valueLength === 1) continue;
    }
    for (const [char, child] of branches(index, valueLength)) pending.push([name + char, child]);
  }
  return found.sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}
