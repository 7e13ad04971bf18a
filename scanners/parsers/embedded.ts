/**
 * Files inside files: what a container (an e-mail) hands the pipeline for each attachment it
 * read, and how such a file is named. The name becomes part of a stored path
 * (`message.eml#report.pdf`), so it comes from the container's bytes and is never trusted:
 * separators and control characters are replaced, its length is capped, and two attachments of
 * one message never share a name.
 */
import { createHash } from "node:crypto";
import type { EmbeddedFile, FileKind, ParseOutcome } from "../types.js";

/** What separates a container's path from the name of a file inside it. */
export const EMBEDDED_SEPARATOR = "#";

/** The kinds whose files may hold documents of their own. */
export function holdsEmbeddedFiles(kind: FileKind): boolean {
  return kind === "email";
}

/** The stored path of a file inside `containerPath`. */
export function embeddedPath(containerPath: string, name: string): string {
  return `${containerPath}${EMBEDDED_SEPARATOR}${name}`;
}

const MAX_NAME_CHARS = 200;

/**
 * Hands out safe, unique names within one container. "/" and "\" would make the name look like
 * a folder, control characters break listings and logs, and "#" would make the path look nested
 * one level deeper than it is.
 */
export class EmbeddedNames {
  private readonly taken = new Set<string>();

  /** `fallback` names a part that has no usable name of its own ("attachment-3"). */
  next(raw: string, fallback: string): string {
    let name = raw
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f/\\#]/g, "_")
      .trim()
      .replace(/^\.+$/, "");
    if (name === "") name = fallback;
    if (name.length > MAX_NAME_CHARS) name = truncateKeepingExtension(name, MAX_NAME_CHARS);
    let unique = name;
    for (let n = 2; this.taken.has(unique.toLowerCase()); n++) unique = numbered(name, n);
    this.taken.add(unique.toLowerCase());
    return unique;
  }
}

function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  return dot > 0 && name.length - dot <= 10 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
}

function numbered(name: string, n: number): string {
  const [stem, extension] = splitExtension(name);
  return `${stem} (${n})${extension}`;
}

function truncateKeepingExtension(name: string, max: number): string {
  const [stem, extension] = splitExtension(name);
  return stem.slice(0, max - extension.length) + extension;
}

export function embeddedFile(
  name: string,
  kind: FileKind,
  bytes: Buffer | undefined,
  size: number,
  outcome: ParseOutcome,
): EmbeddedFile {
  const sha256 = bytes === undefined ? "" : createHash("sha256").update(bytes).digest("hex");
  return { name, kind, size: bytes?.length ?? size, sha256, outcome };
}
