/**
 * E-mail attachments are documents of their own: a real PDF and a real DOCX from the datasets,
 * attached to a message, are indexed as `mail/m.eml#<name>`, found with their own kind and page,
 * read by `read_document` under that path, listed by `inventory`, and replaced and deleted with
 * their message: by a run, by the watcher, and never on their own. A read is judged by the
 * message's admission now. pdftotext is the oracle for the PDF's page text.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { datasetAvailable, datasetPath } from "../../helpers/datasets.js";
import {
  callTool,
  connectStdio,
  eventually,
  textOf,
  type StdioSession,
} from "../../helpers/mcp.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";
import { mimeMessage, type Attachment } from "../../helpers/mime.js";
import { indexTree } from "../../helpers/indexed-tree.js";
import { readablePath } from "../../../src/server/readable-path.js";
import { admissionFor } from "../../../src/pipeline/walk-options.js";

const PDF = datasetPath("docs/pdf", "pdfbox__input__PDFBOX-3110-poems-beads.pdf");
const DOCX = datasetPath("docs/docx", "docx4j__sample-docx.docx");
const have = datasetAvailable("docs/pdf") && datasetAvailable("docs/docx");

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== "");

describe.skipIf(!have)("e-mail attachments as documents of their own", () => {
  let root: string;
  let session: StdioSession;
  let pdf: Attachment;
  let docx: Attachment;
  let notes: Attachment;
  let probe: string;

  const search = async (query: string, extra: Record<string, unknown> = {}) => {
    const result = await callTool(session.client, "search", { query, limit: 10, ...extra });
    return (
      result.structuredContent as {
        results: { path: string; kind: string; page?: number; chunkId: string }[];
      }
    ).results;
  };
  const inventoryRows = async () => {
    const result = await callTool(session.client, "inventory", { pathPrefix: "mail/", limit: 50 });
    return (
      result.structuredContent as {
        files: {
          path: string;
          kind: string;
          status: string;
          container?: string;
          reason?: string;
        }[];
      }
    ).files;
  };

  beforeAll(async () => {
    root = makeTempDir();
    pdf = { name: "Malade imaginaire.pdf", type: "application/pdf", bytes: readFileSync(PDF) };
    docx = {
      name: "sample.docx",
      type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      bytes: readFileSync(DOCX),
    };
    // A name that tries to climb out of the message, and a second attachment of the same name.
    notes = {
      name: "../../notes.txt",
      type: "text/plain",
      bytes: Buffer.from("kittiwake ledger\n"),
    };
    const twin = { ...notes, bytes: Buffer.from("second kittiwake copy\n") };
    const page2 = execFileSync("pdftotext", ["-f", "2", "-l", "2", "-enc", "UTF-8", PDF, "-"], {
      encoding: "utf8",
    });
    const line = page2.split("\n").find((l) => words(l).length >= 10)!;
    probe = words(line).slice(0, 8).join(" ");
    writeTree(root, {
      "mail/m.eml": mimeMessage("Quarterly papers", "The harbour master sends the papers.", [
        pdf,
        docx,
        notes,
        twin,
      ]),
      "other.md": "# Other\n\nNothing attached here.\n",
    });
    expect(runCli(["reindex", root]).code).toBe(0);
    session = await connectStdio(["--root", root], { DOCINDEX_WATCHER: "chokidar" });
    await eventually(async () => {
      const result = await callTool(session.client, "inventory", { limit: 0 });
      const summary = (result.structuredContent as { summary: { watcher: { mode: string } } })
        .summary;
      return summary.watcher.mode === "watching" ? true : undefined;
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    if (root) removeDir(root);
  });

  it("indexes each readable attachment under the message's path, with a safe, unique name", async () => {
    const rows = await inventoryRows();
    expect(rows.map((r) => [r.path, r.kind, r.status, r.container])).toEqual([
      ["mail/m.eml", "email", "indexed", undefined],
      ["mail/m.eml#.._.._notes (2).txt", "text", "indexed", "mail/m.eml"],
      ["mail/m.eml#.._.._notes.txt", "text", "indexed", "mail/m.eml"],
      ["mail/m.eml#Malade imaginaire.pdf", "pdf", "indexed", "mail/m.eml"],
      ["mail/m.eml#sample.docx", "docx", "indexed", "mail/m.eml"],
    ]);
  });

  it("lists the attachments after their message in file_registry.json and SYSTEM_INVENTORY.md", () => {
    const out = makeTempDir();
    try {
      expect(runCli(["inventory", root, "--out", out]).code).toBe(0);
      const registry = JSON.parse(readFileSync(join(out, "file_registry.json"), "utf8")) as {
        files: { path: string; kind: string; status: string; container?: string }[];
      };
      expect(registry.files.map((f) => [f.path, f.kind, f.container])).toEqual([
        ["mail/m.eml", "email", undefined],
        ["mail/m.eml#.._.._notes (2).txt", "text", "mail/m.eml"],
        ["mail/m.eml#.._.._notes.txt", "text", "mail/m.eml"],
        ["mail/m.eml#Malade imaginaire.pdf", "pdf", "mail/m.eml"],
        ["mail/m.eml#sample.docx", "docx", "mail/m.eml"],
        ["other.md", "markdown", undefined],
      ]);
      const markdown = readFileSync(join(out, "SYSTEM_INVENTORY.md"), "utf8");
      expect(markdown).toContain("2 files,");
      expect(markdown).toContain("## Documents inside files");
      expect(markdown).toMatch(/\| pdf \| 1 \| 1 \| 0 \| 0 \| 0 \|/);
    } finally {
      removeDir(out);
    }
  });

  it("finds a PDF attachment's words in the attachment, on its page, not in the message", async () => {
    const hits = await search(probe);
    expect(hits[0]).toMatchObject({
      path: "mail/m.eml#Malade imaginaire.pdf",
      kind: "pdf",
      page: 2,
    });
    expect(hits.map((h) => h.path)).not.toContain("mail/m.eml");
    const pdfsOnly = await search(probe, { kinds: ["pdf"] });
    expect(pdfsOnly[0]?.path).toBe("mail/m.eml#Malade imaginaire.pdf");
    // The message is found for its own words, and names its attachments.
    const message = await search("harbour master papers");
    expect(message[0]?.path).toBe("mail/m.eml");
  });

  it("reads an attachment with read_document by its path and page", async () => {
    const result = await callTool(session.client, "read_document", {
      path: "mail/m.eml#Malade imaginaire.pdf",
      page: 2,
    });
    expect(result.isError).toBeFalsy();
    const doc = result.structuredContent as { kind: string; pageCount: number; text: string };
    expect(doc.kind).toBe("pdf");
    expect(doc.pageCount).toBe(2);
    expect(words(doc.text).join(" ")).toContain(probe);
    // As a resource, the "#" percent-encoded as every URI needs it.
    const uri = `docindex://${encodeURIComponent(basename(root))}/mail/${encodeURIComponent("m.eml#Malade imaginaire.pdf")}`;
    const resource = await session.client.readResource({ uri });
    const first = resource.contents[0] as { text?: string };
    expect(words(first.text ?? "").join(" ")).toContain(probe);
    const message = await callTool(session.client, "read_document", { path: "mail/m.eml" });
    const text = (message.structuredContent as { text: string }).text;
    expect(text).toContain("Malade imaginaire.pdf");
    expect(text).not.toContain(probe);
  });

  it("reindexes an attachment's path through its message and never deletes it alone", async () => {
    const result = await callTool(session.client, "reindex", {
      paths: ["mail/m.eml#sample.docx"],
      wait: true,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((await inventoryRows()).map((r) => r.path)).toContain("mail/m.eml#sample.docx");
  });

  it("drops an attachment removed from the message, and all of them with the message", async () => {
    writeFileSync(
      join(root, "mail/m.eml"),
      mimeMessage("Quarterly papers", "The harbour master sends fewer papers.", [docx]),
    );
    await eventually(
      async () => ((await search(probe)).length === 0 ? true : undefined),
      30_000,
      "the removed PDF attachment to leave the index",
    );
    expect((await inventoryRows()).map((r) => r.path)).toEqual([
      "mail/m.eml",
      "mail/m.eml#sample.docx",
    ]);
    rmSync(join(root, "mail/m.eml"));
    await eventually(
      async () => ((await inventoryRows()).length === 0 ? true : undefined),
      30_000,
      "the message and its attachments to leave the index",
    );
  });
});

describe("reading an attachment is judged by its message", () => {
  it("refuses an attachment whose message is ignored now, naming the message", async () => {
    const notes = { name: "notes.txt", type: "text/plain", bytes: Buffer.from("puffin notes\n") };
    const tree = await indexTree({ "mail/m.eml": mimeMessage("Notes", "See the notes.", [notes]) });
    try {
      const ctx = {
        roots: [tree.root],
        store: tree.store,
        admission: (r: string) => admissionFor(r, tree.settings),
      };
      expect(await readablePath(ctx, "mail/m.eml#notes.txt")).toEqual({
        root: tree.root,
        path: "mail/m.eml#notes.txt",
      });
      // Ignored after indexing: the index still holds the attachment, and must not serve it.
      appendFileSync(join(tree.root, ".gitignore"), "mail/\n");
      await expect(readablePath(ctx, "mail/m.eml#notes.txt")).rejects.toThrow(
        /'mail\/m\.eml#notes\.txt' may not be read: it is inside 'mail\/m\.eml', and /,
      );
      // A path no file and no attachment has is judged as itself: missing, so "not indexed".
      expect((await readablePath(ctx, "x.eml#y.txt")).path).toBe("x.eml#y.txt");
    } finally {
      await tree.close();
    }
  });
});
