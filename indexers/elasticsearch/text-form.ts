/**
 * The text Elasticsearch indexes is not the text it stores. The SQLite store's tokenizer splits
 * at every non-word character and folds accents; the `english` analyzer does neither (its
 * standard tokenizer keeps "guide.md" and "don't" whole, and `asciifolding` lives in the
 * analysis-common module, which not every cluster has). So the store derives an index form
 * itself: accents folded, punctuation turned into spaces, CJK characters spaced apart, and
 * queries pass through the same function. Both stores then agree on what a word is.
 */
import { segmentForIndex } from "../text/segment.js";

const NON_WORD = /[^\p{L}\p{N}\p{M}\p{Co}]+/gu;
// Marks are dropped only from scripts where they are accents; in Devanagari or Arabic they
// are part of the spelling.
const ACCENTED = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

export function foldAccents(text: string): string {
  if (!/[^\p{ASCII}]/u.test(text)) return text;
  return text.normalize("NFKD").replace(ACCENTED, "$1").normalize("NFC");
}

/** What the `english` analyzer sees for a piece of text. */
export function indexForm(text: string): string {
  return segmentForIndex(foldAccents(text).replace(NON_WORD, " ")).trim();
}
