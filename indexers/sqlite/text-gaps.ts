/**
 * A document's text stored as what its chunks leave out. Chunks are slices of the text, in
 * order and (by default) without overlap, so the text is gap 0 + chunk 0 + gap 1 + ... + the
 * last gap; the gaps are mostly blank lines. Storing them instead of the whole text keeps one
 * copy of the words on disk, not two (chunks are what search reads, so they keep theirs).
 * Chunks that are not in-order slices (overlap, a chunker change) store the whole text.
 */

/** The gaps between `chunks` in `text`, or undefined when the chunks do not tile the text. */
export function textGaps(text: string, chunks: readonly { text: string }[]): string[] | undefined {
  if (chunks.length === 0) return undefined;
  const gaps: string[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    // The earliest occurrence is always a valid split: the reconstruction is exact either way.
    const at = text.indexOf(chunk.text, cursor);
    if (at < 0) return undefined;
    gaps.push(text.slice(cursor, at));
    cursor = at + chunk.text.length;
  }
  gaps.push(text.slice(cursor));
  return gaps;
}

/** The inverse of textGaps: chunk texts in ordinal order. */
export function joinGaps(gaps: readonly string[], chunkTexts: readonly string[]): string {
  let text = gaps[0] ?? "";
  for (let i = 0; i < chunkTexts.length; i++) text += chunkTexts[i]! + (gaps[i + 1] ?? "");
  return text;
}
