/**
 * pdf-parse, with pdf.js's worker code, loaded once and with JavaScript's own builtins kept.
 *
 * The pdfjs-dist build that pdf-parse runs in Node (legacy/) bundles core-js, which replaces
 * Array.prototype.push, JSON.parse and Function.prototype.toString for the whole thread with
 * polyfills, for cases no PDF reaches (array-likes of 2^32 elements, JSON.parse source access).
 * A CPU profile over the PDF dataset put about 8% of a parse worker's time in the push polyfill
 * alone, and every other parser in the worker paid for it too. The builtins core-js adds and
 * Node 20 lacks (Promise.withResolvers, Uint8Array.fromBase64, …) stay: pdf.js uses them.
 *
 * The worker code is imported here as well: pdf.js then finds it on globalThis.pdfjsWorker and
 * never imports it (with its own copy of core-js) in the middle of a parse.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pdfjsDistRoot } from "./pdf-assets.js";

const natives = {
  push: Array.prototype.push,
  parse: JSON.parse,
  toString: Function.prototype.toString,
};

const engine = await import("pdf-parse");
const root = pdfjsDistRoot();
if (root !== undefined) {
  try {
    await import(pathToFileURL(join(root, "legacy", "build", "pdf.worker.mjs")).href);
  } catch {
    // Not where this version keeps it: pdf.js imports its worker itself on the first parse.
  }
}
restore(Array.prototype, "push", natives.push);
restore(JSON, "parse", natives.parse);
restore(Function.prototype, "toString", natives.toString);

function restore(owner: object, name: string, value: unknown): void {
  Object.defineProperty(owner, name, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

export const { PDFParse, VerbosityLevel } = engine;
