/**
 * Tokenizers split words at spaces and punctuation, which Chinese and Japanese do not use: a
 * whole sentence would become one token that no query matches. Indexing each CJK character as
 * its own token, and querying a CJK run as a phrase of its characters, makes any substring
 * findable. Both stores index this form (SQLite's FTS table is contentless, Elasticsearch's
 * search fields are derived), so the indexed text can differ from the stored text.
 */

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_CHARS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

export function isCjk(char: string): boolean {
  return CJK_CHAR.test(char);
}

/** The text the FTS index sees: CJK characters spaced apart, everything else unchanged. */
export function segmentForIndex(text: string): string {
  return CJK_CHAR.test(text) ? text.replace(CJK_CHARS, " $& ") : text;
}
