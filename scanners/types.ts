/**
 * The types that flow from disk to the index. Everything in scanners/ produces these;
 * indexers/ and src/ consume them. Keep them few and plain: they are the contract
 * between the three top-level folders.
 */

/** What a file is, decided by name first and content second (see scanners/detect). */
export type FileKind =
  | "markdown"
  | "text"
  | "code"
  | "html"
  | "pdf"
  | "docx"
  | "pptx"
  | "xlsx"
  | "odt"
  | "odp"
  | "ods"
  | "epub"
  | "email"
  | "rtf"
  | "data" // JSON, YAML, TOML, CSV, XML: indexed as text
  | "notebook"
  | "image" // PNG, JPEG, TIFF, WebP: read by OCR (scanners/ocr)
  | "binary";

export const FILE_KINDS: readonly FileKind[] = [
  "markdown",
  "text",
  "code",
  "html",
  "pdf",
  "docx",
  "pptx",
  "xlsx",
  "odt",
  "odp",
  "ods",
  "epub",
  "email",
  "rtf",
  "data",
  "notebook",
  "image",
  "binary",
];

/**
 * A file the walker yields. `path` is root-relative POSIX; `root` is absolute.
 *
 * The walk lists names from `readdir` and does not stat plain files (that stat was over half
 * of its time), so `size` and `mtimeMs` are undefined for them: they are read where needed,
 * from the open descriptor when the file is read (scanners/walk/file-facts.ts openListedFile,
 * which also applies `sizeLimit`), or by statListedFiles when only they are wanted (the
 * pipeline's unchanged check, the inventory). A refused row always has them (the link's own).
 */
export interface SourceFile {
  root: string;
  path: string;
  absPath: string;
  size?: number;
  mtimeMs?: number;
  /** Bytes above which the content is not parsed ("too large"), judged when the file is opened. Default 50 MiB. */
  sizeLimit?: number;
  kind: FileKind;
  /** Filled in lazily by the pipeline (hashing costs a read). */
  sha256?: string;
  /** Set when the file is listed but must not be parsed: a refusal, or "too large" once opened. */
  skipReason?: string;
  /**
   * Set when the admission rule (scanners/walk/admission.ts) refused the path: a symlink whose
   * target may not be read. It is listed only as a skipped row (skipReason says why); nothing
   * may open it, not even to hash it. size and mtimeMs are set, and are the link's own.
   */
  refused?: true;
  /** The admission verdict, when a rule decided it ("admitted: .gitignore:2:!keep.md", "refused: ..."). */
  rule?: string;
}

/** A structural piece of a parsed document: a heading's span, a page, a notebook cell. */
export interface Section {
  /** Heading path from the top, e.g. ["Install", "From source"]. Empty for text before any heading. */
  headingPath: string[];
  /** Heading level (1-6) for headings, 0 for pages, cells and untitled spans. */
  level: number;
  /** Character offsets into ParsedDocument.text, end exclusive. */
  start: number;
  end: number;
  /** 1-based page number (PDF). */
  page?: number;
  /** 1-based inclusive line range in the source file (text-like formats). */
  lineStart?: number;
  lineEnd?: number;
  /** Set when the section's text was read by OCR: tesseract's mean word confidence, 0-100. */
  ocrConfidence?: number;
}

export interface ParsedDocument {
  text: string;
  title?: string;
  /** Ordered, non-overlapping, covering the text that matters. May be empty (plain text). */
  sections: Section[];
  /** Source language for code ("typescript", "python", ...), or natural language if known. */
  language?: string;
  pageCount?: number;
  author?: string;
  /** Whether `text` lines map 1:1 to source lines (true for text, code, markdown). */
  linesMatchSource: boolean;
  metadata: Record<string, string | number | boolean>;
  /** Definitions a grammar found (code with a tree-sitter grammar, scanners/syntax). */
  symbols?: CodeSymbol[];
  /**
   * The syntax tree's multi-line nodes, for the chunker (scanners/chunk/syntax-chunks.ts).
   * Dropped once the document is chunked: it is not stored, nor sent between threads.
   */
  outline?: SyntaxBlock[];
  /**
   * Files found inside this one that are documents of their own: an e-mail's attachments. The
   * pipeline stores each as `<this path>#<name>` (scanners/README.md, "Files inside files").
   */
  embedded?: EmbeddedFile[];
}

/** A file inside another, parsed like a file of its own (scanners/parsers/embedded.ts). */
export interface EmbeddedFile {
  /** Unique within its container; never holds "/" or control characters. */
  name: string;
  kind: FileKind;
  size: number;
  /** sha256 of its bytes: what tells an edited attachment from an unchanged one. */
  sha256: string;
  outcome: ParseOutcome;
}

export type SymbolKind =
  | "function"
  | "method"
  | "class"
  | "interface"
  | "struct"
  | "enum"
  | "type"
  | "constant"
  | "module";

export const SYMBOL_KINDS: readonly SymbolKind[] = [
  "function",
  "method",
  "class",
  "interface",
  "struct",
  "enum",
  "type",
  "constant",
  "module",
];

/** A definition in a source file, as tree-sitter found it. Lines are 1-based and inclusive. */
export interface CodeSymbol {
  name: string;
  kind: SymbolKind;
  /** The enclosing definitions' names, outermost first, joined by "." ("Parser", "net.Conn"); "" at top level. */
  container: string;
  /** The definition's first and last line (decorators and doc comments not included). */
  lineStart: number;
  lineEnd: number;
  /** The line of the name, where editors and ctags put the definition. */
  nameLine: number;
  /** That line's text, trimmed and cut at 200 characters. */
  signature: string;
}

/**
 * A multi-line node of a syntax tree, 1-based inclusive lines. `heading` is set for
 * definitions ("class Parser"); the chunker nests them into heading paths.
 */
export interface SyntaxBlock {
  lineStart: number;
  lineEnd: number;
  heading?: string;
  children: SyntaxBlock[];
}

/** Why a file was not indexed. Reasons are plain strings meant for people, e.g. "binary". */
export type ParseOutcome =
  { ok: true; doc: ParsedDocument } | { ok: false; status: "skipped" | "failed"; reason: string };

/** A citable piece of a document: what a search hit points at. */
export interface Chunk {
  /** Stable across runs: derived from path, content hash and the occurrence of that content. */
  id: string;
  path: string;
  ordinal: number;
  text: string;
  headingPath: string[];
  lineStart?: number;
  lineEnd?: number;
  page?: number;
  /** Estimated tokens (scanners/chunk/tokens). */
  tokens: number;
  /** sha256 of `text`: the embedding cache key together with the model id. */
  contentHash: string;
}
