/**
 * Plain text and data files (JSON, YAML, TOML, CSV, XML, ini, ...): the decoded text as is,
 * lines matching the source, no sections. The chunker splits them by lines.
 */
import type { ParsedDocument } from "../types.js";

/** `text` must already have LF line endings (see normalizeNewlines). */
export function parsePlainText(text: string): ParsedDocument {
  return { text, sections: [], linesMatchSource: true, metadata: {} };
}
