/**
 * The e-mail parser hands its attachments on as files of their own, and the pool chunks them
 * under `<message>#<name>`: an attached message's attachments flattened below it, names made
 * safe and unique, at most MAX_ATTACHMENTS read, the rest listed with the reason.
 */
import { describe, expect, it } from "vitest";
import { MAX_ATTACHMENTS } from "../../../scanners/parsers/email.js";
import { EmbeddedNames } from "../../../scanners/parsers/embedded.js";
import { prepareDocument, type PreparedOutcome } from "../../../scanners/pool/prepare-document.js";
import { mimeMessage } from "../../helpers/mime.js";
import { makeTempDir, removeDir, writeTree } from "../../helpers/tree.js";
import { join } from "node:path";

async function prepare(eml: string): Promise<Extract<PreparedOutcome, { ok: true }>> {
  const dir = makeTempDir();
  try {
    writeTree(dir, { "m.eml": eml });
    const outcome = await prepareDocument(
      { absPath: join(dir, "m.eml"), path: "mail/m.eml", kind: "email" },
      { maxTokens: 400 },
    );
    if (!outcome.ok) throw new Error(outcome.reason);
    return outcome;
  } finally {
    removeDir(dir);
  }
}

const text = (name: string, body: string) => ({
  name,
  type: "text/plain",
  bytes: Buffer.from(body),
});

describe("attachments as embedded files", () => {
  it("flattens an attached message's attachments below it, each chunked under its own path", async () => {
    const inner = mimeMessage("Inner", "The inner body.", [text("deep.txt", "guillemot census")]);
    const outer = await prepare(
      mimeMessage("Outer", "The outer body.", [
        { name: "fwd.eml", type: "message/rfc822", bytes: Buffer.from(inner) },
        text("top.txt", "razorbill count"),
      ]),
    );
    expect(outer.doc.embedded).toBeUndefined();
    const parts = outer.parts ?? [];
    expect(parts.map((p) => [p.name, p.kind, p.ok])).toEqual([
      ["fwd.eml", "email", true],
      ["fwd.eml#deep.txt", "text", true],
      ["top.txt", "text", true],
    ]);
    const deep = parts[1]!;
    expect(deep.ok && deep.chunks.map((c) => [c.path, c.text])).toEqual([
      ["mail/m.eml#fwd.eml#deep.txt", "guillemot census"],
    ]);
    expect(deep.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The attachments' text is theirs alone: the message names them, it does not repeat them.
    expect(outer.doc.text).toContain("top.txt");
    expect(outer.doc.text).not.toContain("razorbill");
    expect(outer.doc.text).not.toContain("guillemot");
  });

  it(`reads at most ${MAX_ATTACHMENTS} attachments and lists the rest with the reason`, async () => {
    const many = Array.from({ length: MAX_ATTACHMENTS + 2 }, (_, i) =>
      text(`n${i}.txt`, `note ${i}`),
    );
    const outcome = await prepare(mimeMessage("Many", "Lots of notes.", many));
    expect(outcome.parts).toHaveLength(MAX_ATTACHMENTS);
    expect(outcome.doc.text).toContain(
      `n${MAX_ATTACHMENTS + 1}.txt (not read: over ${MAX_ATTACHMENTS} attachments)`,
    );
  });

  it("names attachments safely and uniquely", () => {
    const names = new EmbeddedNames();
    expect(names.next("../../etc/passwd", "a-1")).toBe(".._.._etc_passwd");
    expect(names.next("a#b\u0000c.txt", "a-2")).toBe("a_b_c.txt");
    expect(names.next("..", "attachment-3")).toBe("attachment-3");
    expect(names.next("", "attachment-4")).toBe("attachment-4");
    expect(names.next("Report.pdf", "a-5")).toBe("Report.pdf");
    expect(names.next("report.pdf", "a-6")).toBe("report (2).pdf");
    expect(names.next("report.pdf", "a-7")).toBe("report (3).pdf");
    const long = names.next(`${"x".repeat(500)}.pdf`, "a-8");
    expect(long).toHaveLength(200);
    expect(long.endsWith(".pdf")).toBe(true);
  });
});
