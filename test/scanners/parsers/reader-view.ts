/**
 * Known-item probes from a reader-view extract (the docs/html dataset's expected/ pages): the
 * sentences a reader sees on the page, each cut to a window of words to search for. The text
 * is read with parse5's own tree and a list of inline elements kept here, not with our parser,
 * so that a layout mistake of ours (two blocks' words run together) cannot hide itself by
 * making the probes the same way.
 */
import { parse, type DefaultTreeAdapterTypes } from "parse5";

type Node = DefaultTreeAdapterTypes.Node;

/** Phrasing elements: their text continues the sentence around them. Everything else breaks it. */
const INLINE = new Set(
  (
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd label mark q s samp small " +
    "span strike strong sub sup time tt u var"
  ).split(" "),
);

/** The text of each block of the extract, whitespace collapsed, in document order. */
export function readerViewBlocks(html: string): string[] {
  const blocks: string[] = [];
  let current = "";
  const flush = (): void => {
    const text = current.replace(/\s+/g, " ").trim();
    if (text !== "") blocks.push(text);
    current = "";
  };
  const pending: (Node | "end")[] = [parse(html)];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node === "end") flush();
    else if (node.nodeName === "#text") current += (node as DefaultTreeAdapterTypes.TextNode).value;
    else if ("childNodes" in node) {
      const inline = "tagName" in node && INLINE.has(node.tagName);
      if (!inline) {
        flush();
        pending.push("end");
      }
      for (let i = node.childNodes.length - 1; i >= 0; i--) pending.push(node.childNodes[i]!);
    }
  }
  flush();
  return blocks;
}

export function sentences(block: string): string[] {
  return block.split(/(?<=[.!?…。！？])\s+/u).filter((s) => s !== "");
}

/** Words as Unicode segments them, so that Chinese and Japanese, written without spaces, have words too. */
const WORDS = new Intl.Segmenter(undefined, { granularity: "word" });

/**
 * The `size` consecutive words of a sentence a searcher would type: of all its windows, the one
 * with the most distinct words that are not stopwords (the first such window on a tie), since
 * search drops stopwords. Space-separated; undefined when the sentence is shorter.
 */
export function wordWindow(
  sentence: string,
  size: number,
  stopwords: ReadonlySet<string>,
): string | undefined {
  const words = [...WORDS.segment(sentence)].filter((s) => s.isWordLike).map((s) => s.segment);
  if (words.length < size) return undefined;
  let best = 0;
  let bestScore = -1;
  for (let start = 0; start + size <= words.length; start++) {
    const content = words.slice(start, start + size).map((w) => w.toLowerCase());
    const score = new Set(content.filter((w) => !stopwords.has(w))).size;
    if (score > bestScore) [best, bestScore] = [start, score];
  }
  return words.slice(best, best + size).join(" ");
}
