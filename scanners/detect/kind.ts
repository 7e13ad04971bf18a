/**
 * File kind and programming language from the file name alone. Content sniffing (binary,
 * encoding) happens later in scanners/detect/content.ts, once the bytes are read.
 */
import type { FileKind } from "../types.js";

/** Extension (lower case, no dot) to language id, for the most used languages and configs. */
const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  py: "python",
  pyi: "python",
  pyw: "python",
  java: "java",
  kt: "kotlin",
  kts: "kotlin",
  scala: "scala",
  sc: "scala",
  groovy: "groovy",
  gradle: "groovy",
  clj: "clojure",
  cljs: "clojure",
  cljc: "clojure",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  hh: "cpp",
  hxx: "cpp",
  ino: "cpp",
  cs: "csharp",
  fs: "fsharp",
  fsx: "fsharp",
  vb: "vbnet",
  go: "go",
  rs: "rust",
  swift: "swift",
  m: "objective-c",
  mm: "objective-cpp",
  rb: "ruby",
  rake: "ruby",
  php: "php",
  pl: "perl",
  pm: "perl",
  lua: "lua",
  r: "r",
  dart: "dart",
  ex: "elixir",
  exs: "elixir",
  erl: "erlang",
  hrl: "erlang",
  hs: "haskell",
  ml: "ocaml",
  mli: "ocaml",
  jl: "julia",
  zig: "zig",
  nim: "nim",
  v: "verilog",
  sv: "systemverilog",
  vhd: "vhdl",
  vhdl: "vhdl",
  f90: "fortran",
  f95: "fortran",
  f: "fortran",
  pas: "pascal",
  ada: "ada",
  adb: "ada",
  ads: "ada",
  cob: "cobol",
  tcl: "tcl",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  fish: "shell",
  ps1: "powershell",
  psm1: "powershell",
  bat: "batch",
  cmd: "batch",
  sql: "sql",
  graphql: "graphql",
  gql: "graphql",
  proto: "protobuf",
  css: "css",
  scss: "scss",
  sass: "sass",
  less: "less",
  vue: "vue",
  svelte: "svelte",
  astro: "astro",
  tf: "terraform",
  hcl: "hcl",
  nix: "nix",
  cmake: "cmake",
  mk: "make",
  dockerfile: "dockerfile",
  sol: "solidity",
  elm: "elm",
  purs: "purescript",
  rkt: "racket",
  scm: "scheme",
  lisp: "lisp",
  el: "elisp",
  asm: "assembly",
  s: "assembly",
};

/** Whole file names that are code even without an extension. */
const LANGUAGE_BY_NAME: Record<string, string> = {
  makefile: "make",
  gnumakefile: "make",
  dockerfile: "dockerfile",
  containerfile: "dockerfile",
  rakefile: "ruby",
  gemfile: "ruby",
  jenkinsfile: "groovy",
  vagrantfile: "ruby",
  "cmakelists.txt": "cmake",
  justfile: "just",
  procfile: "text",
};

const MARKDOWN = new Set([
  "md",
  "markdown",
  "mdx",
  "mdown",
  "mkd",
  "rst",
  "adoc",
  "asciidoc",
  "org",
]);
const HTML = new Set(["html", "htm", "xhtml"]);
const DATA = new Set([
  "json",
  "jsonc",
  "json5",
  "jsonl",
  "ndjson",
  "yaml",
  "yml",
  "toml",
  "csv",
  "tsv",
  "xml",
  "ini",
  "cfg",
  "conf",
  "properties",
  "env",
  "lock",
  "svg",
]);
const TEXT = new Set(["txt", "text", "log", "tex", "bib", "srt", "vtt", "diff", "patch"]);

/** Images read by OCR (scanners/ocr). */
const IMAGE = new Set(["png", "jpg", "jpeg", "tif", "tiff", "webp"]);

/** Extensions that are binary for certain: no need to read a byte to know. */
const BINARY = new Set([
  "gif",
  "bmp",
  "ico",
  "psd",
  "heic",
  "avif",
  "mp3",
  "mp4",
  "m4a",
  "wav",
  "flac",
  "ogg",
  "mov",
  "avi",
  "mkv",
  "webm",
  "zip",
  "gz",
  "tgz",
  "bz2",
  "xz",
  "zst",
  "7z",
  "rar",
  "tar",
  "jar",
  "war",
  "ear",
  "whl",
  "exe",
  "dll",
  "so",
  "dylib",
  "o",
  "a",
  "lib",
  "obj",
  "class",
  "pyc",
  "pyo",
  "wasm",
  "node",
  "bin",
  "dat",
  "db",
  "sqlite",
  "sqlite3",
  "woff",
  "woff2",
  "ttf",
  "otf",
  "eot",
  "pages",
  "key",
  "numbers",
  "iso",
  "dmg",
  "img",
  "deb",
  "rpm",
  "parquet",
  "arrow",
  "onnx",
  "pt",
  "pth",
  "ckpt",
  "npy",
  "npz",
]);

function extensionOf(baseName: string): string {
  const dot = baseName.lastIndexOf(".");
  return dot > 0 ? baseName.slice(dot + 1).toLowerCase() : "";
}

function baseNameOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/**
 * The kind of each extension, in the precedence of the sets above, as two Maps so that a name
 * costs two lookups (the walker asks for every file; the chain of Set lookups was ~6% of a
 * walk). BEFORE_NAME kinds beat a known file name (README.md is markdown); the rest lose to it
 * (CMakeLists.txt is code, not text). Maps, unlike the Records above, have no inherited keys:
 * a file named `constructor` is text.
 */
const BEFORE_NAME = new Map<string, FileKind>();
const AFTER_NAME = new Map<string, FileKind>();
for (const [ext, kind] of [
  ["pdf", "pdf"],
  ["docx", "docx"],
  // Word, Excel and PowerPoint files of either generation: the parser tells a legacy binary
  // file (or an encrypted package, also OLE) from a package by its bytes, and says which.
  ...["docm", "dotx", "dotm", "doc", "dot"].map((e) => [e, "docx"]),
  ...["pptx", "pptm", "ppsx", "ppsm", "potx", "potm", "ppt", "pps", "pot"].map((e) => [e, "pptx"]),
  ...["xlsx", "xlsm", "xltx", "xltm", "xls", "xlt"].map((e) => [e, "xlsx"]),
  ...["odt", "ott"].map((e) => [e, "odt"]),
  ...["odp", "otp"].map((e) => [e, "odp"]),
  ...["ods", "ots"].map((e) => [e, "ods"]),
  ["epub", "epub"],
  ["eml", "email"],
  ["rtf", "rtf"],
  ["msg", "email"],
  ["ipynb", "notebook"],
  ...[...IMAGE].map((e) => [e, "image"]),
  ...[...MARKDOWN].map((e) => [e, "markdown"]),
  ...[...HTML].map((e) => [e, "html"]),
] as [string, FileKind][]) {
  if (!BEFORE_NAME.has(ext)) BEFORE_NAME.set(ext, kind);
}
for (const [exts, kind] of [
  [Object.keys(LANGUAGE_BY_EXTENSION), "code"],
  [DATA, "data"],
  [TEXT, "text"],
  [BINARY, "binary"],
] as [Iterable<string>, FileKind][]) {
  for (const ext of exts) if (!AFTER_NAME.has(ext)) AFTER_NAME.set(ext, kind);
}
const CODE_NAMES = new Set(Object.keys(LANGUAGE_BY_NAME));
/** The extensions that code names have ("" and "txt"): other names skip the lowercased lookup. */
const CODE_NAME_EXTENSIONS = new Set([...CODE_NAMES].map(extensionOf));

/** Kind from the name. Unknown names are "text": the content sniffer decides if they are binary. */
export function kindForPath(path: string): FileKind {
  return kindForName(baseNameOf(path));
}

/** kindForPath for a path's last segment (the walker has it already). */
export function kindForName(base: string): FileKind {
  const ext = extensionOf(base);
  const early = BEFORE_NAME.get(ext);
  if (early !== undefined) return early;
  if (CODE_NAME_EXTENSIONS.has(ext) && CODE_NAMES.has(base.toLowerCase())) return "code";
  return AFTER_NAME.get(ext) ?? "text";
}

/** Programming language id for code files, undefined otherwise. */
export function languageForPath(path: string): string | undefined {
  const base = baseNameOf(path);
  return LANGUAGE_BY_NAME[base.toLowerCase()] ?? LANGUAGE_BY_EXTENSION[extensionOf(base)];
}
