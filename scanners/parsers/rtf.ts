/**
 * RTF to text. Written here rather than taken from npm: the RTF readers there either only
 * de-encapsulate Outlook's HTML (rtf-stream-parser) or are unmaintained HTML converters
 * (rtf-parser, rtf-to-html, last released 2017) that drop Unicode escapes and tables. What
 * text extraction needs is small and well specified (RTF 1.9.1): groups, control words,
 * `\'hh` bytes in the document's code page, `\uN` with its `\ucN` fallback count, paragraph,
 * cell and row marks, `\binN` skipped by its length, and the destinations that hold no text
 * (font and colour tables, style sheets, pictures, object data, field instructions, `\*`
 * destinations this reader does not know). `\info` gives the title and author.
 */
import { decodeWindows1252 } from "../detect/windows-1252.js";
import type { ParsedDocument, ParseOutcome } from "../types.js";
import { failed, indexed, REASONS, skipped } from "./outcome.js";

/** Destinations whose content is never text. */
const SKIPPED = new Set([
  "fonttbl",
  "colortbl",
  "stylesheet",
  "listtable",
  "listoverridetable",
  "revtbl",
  "rsidtbl",
  "generator",
  "pict",
  "objdata",
  "objclass",
  "themedata",
  "colorschememapping",
  "datastore",
  "latentstyles",
  "xmlnstbl",
  "mmathPr",
  "fldinst",
  "filetbl",
  "pgdsctbl",
  "nesttableprops",
  "bkmkstart",
  "bkmkend",
  "xe",
  "tc",
  "private",
  "operator",
  "userprops",
  "docvar",
  "wgrffmtfilter",
  "panose",
  "falt",
  "fontemb",
  "fontfile",
  "nonesttables",
  "pntxta",
  "pntxtb",
]);
/** Destinations inside \info whose text is metadata. */
const INFO_FIELDS = new Set(["title", "author", "subject", "company", "keywords"]);

const SYMBOLS: Record<string, string> = {
  par: "\n",
  line: "\n",
  sect: "\n\n",
  page: "\n\n",
  tab: "\t",
  emdash: "—",
  endash: "–",
  bullet: "•",
  lquote: "‘",
  rquote: "’",
  ldblquote: "“",
  rdblquote: "”",
  emspace: " ",
  enspace: " ",
  qmspace: " ",
  zwj: "\u200d",
  zwnj: "\u200c",
};

interface State {
  skip: boolean;
  /** The destination this group opened, when it was one. */
  destination?: string;
  /** Characters to drop after a \uN (the \ucN fallback count in force). */
  uc: number;
  /** The \info field this group's text goes to, if any. */
  info?: string;
}

export function parseRtf(bytes: Buffer): ParseOutcome {
  const source = bytes.toString("latin1");
  if (!source.startsWith("{\\rtf")) return failed("corrupt: not an RTF file (no {\\rtf header)");
  const codepage = /\\ansicpg(\d+)/.exec(source.slice(0, 2048))?.[1];
  const decodeByte = byteDecoder(codepage);

  let text = "";
  const info: Record<string, string> = {};
  const stack: State[] = [];
  let state: State = { skip: false, uc: 1 };
  let pendingBytes: number[] = [];
  let dropChars = 0;
  let ignorableNext = false;
  let groupStart = false;

  const endRow = (): void => {
    if (!state.skip && state.info === undefined) text = `${text.replace(/[\s|]+$/, "")}\n`;
  };
  const emit = (s: string): void => {
    if (state.skip) return;
    if (state.info !== undefined) info[state.info] = (info[state.info] ?? "") + s;
    else text += s;
  };
  const flushBytes = (): void => {
    if (pendingBytes.length === 0) return;
    emit(decodeByte(Uint8Array.from(pendingBytes)));
    pendingBytes = [];
  };

  let i = 0;
  const n = source.length;
  while (i < n) {
    const ch = source[i]!;
    if (ch === "{") {
      flushBytes();
      stack.push(state);
      state = { ...state };
      groupStart = true;
      ignorableNext = false;
      i++;
      continue;
    }
    if (ch === "}") {
      flushBytes();
      const closed = state;
      state = stack.pop() ?? state;
      // A nested table row's end mark sits inside its (skipped) property group.
      if (closed.destination === "nesttableprops") endRow();
      groupStart = false;
      i++;
      continue;
    }
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (next === "'") {
        const byte = parseInt(source.slice(i + 2, i + 4), 16);
        i += 4;
        if (dropChars > 0) {
          dropChars--;
          continue;
        }
        if (!Number.isNaN(byte)) pendingBytes.push(byte);
        continue;
      }
      flushBytes();
      if (/[a-zA-Z]/.test(next)) {
        const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(source.slice(i + 1, i + 48));
        const word = m?.[1] ?? "";
        const param = m?.[2] === undefined ? undefined : Number(m[2]);
        i += 1 + (m?.[0].length ?? 1);
        const first = groupStart;
        groupStart = false;
        if (word === "bin") {
          i += Math.max(0, param ?? 0);
          continue;
        }
        if (dropChars > 0 && word !== "u") {
          // A control word counts as one fallback character.
          dropChars--;
          continue;
        }
        if (first && (ignorableNext || SKIPPED.has(word))) {
          if (
            SKIPPED.has(word) ||
            (ignorableNext && !INFO_FIELDS.has(word) && word !== "fldrslt")
          ) {
            state.skip = true;
            state.destination = word;
            ignorableNext = false;
            continue;
          }
        }
        ignorableNext = false;
        if (first && INFO_FIELDS.has(word) && stack.some((s) => s.info === "info")) {
          state.info = word;
          continue;
        }
        if (word === "info") {
          state.info = "info";
          continue;
        }
        if (word === "uc") state.uc = Math.max(0, param ?? 1);
        else if (word === "u" && param !== undefined) {
          emit(String.fromCharCode(param < 0 ? param + 65536 : param));
          dropChars = state.uc;
        } else if (word === "header" || word === "footer" || word === "footnote") {
          if (!state.skip) emit("\n");
        } else if (word === "cell" || word === "nestcell") {
          // A cell's own last paragraph mark is not a line of the row.
          if (!state.skip && state.info === undefined) text = `${text.replace(/\s+$/, "")} | `;
        } else if (word === "row" || word === "nestrow") {
          endRow();
        } else {
          const symbol = SYMBOLS[word];
          if (symbol !== undefined) emit(symbol);
        }
        continue;
      }
      // Control symbols.
      i += 2;
      groupStart = false;
      if (next === "*") {
        ignorableNext = true;
        groupStart = true;
        continue;
      }
      if (dropChars > 0) {
        dropChars--;
        continue;
      }
      if (next === "\\" || next === "{" || next === "}") emit(next);
      else if (next === "~") emit("\u00a0");
      else if (next === "_") emit("-");
      else if (next === "\n" || next === "\r") emit("\n");
      continue;
    }
    groupStart = false;
    if (ch === "\r" || ch === "\n") {
      i++;
      continue;
    }
    if (dropChars > 0) {
      dropChars--;
      i++;
      continue;
    }
    pendingBytes.push(ch.charCodeAt(0));
    i++;
  }
  flushBytes();

  const clean = text
    .replace(/ {2,}/g, " ")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/ \| \n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (clean === "") return skipped(REASONS.noText);
  const doc: ParsedDocument = { text: clean, sections: [], linesMatchSource: false, metadata: {} };
  const title = info["title"]?.trim();
  const author = info["author"]?.trim();
  if (title) doc.title = title;
  if (author) doc.author = author;
  if (codepage !== undefined) doc.metadata["codepage"] = Number(codepage);
  return indexed(doc);
}

/** Bytes of the document's ANSI code page to text: windows-1252 unless \ansicpg names another. */
function byteDecoder(codepage: string | undefined): (bytes: Uint8Array) => string {
  if (codepage === undefined || codepage === "1252") return decodeWindows1252;
  try {
    const decoder = new TextDecoder(`windows-${codepage}`);
    return (bytes) => decoder.decode(bytes);
  } catch {
    try {
      const decoder = new TextDecoder(`cp${codepage}`);
      return (bytes) => decoder.decode(bytes);
    } catch {
      return decodeWindows1252;
    }
  }
}
