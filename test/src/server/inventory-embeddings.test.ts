/**
 * While the local embedder works through a backlog (the generated tiny model, one text per
 * inference run so that the backlog lasts a few seconds), `inventory` shows how many chunks are
 * left, the recent pace and the time left at that pace; lexical search answers meanwhile.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callTool,
  connectStdio,
  eventually,
  textOf,
  type StdioSession,
} from "../../helpers/mcp.js";
import { writeTinyModel } from "../../helpers/tiny-model.js";
import { makeTempDir, removeDir } from "../../helpers/tree.js";

interface Embeddings {
  state: string;
  pending?: number;
  chunksPerSecond?: number;
  secondsLeft?: number;
}

let root: string;
let models: string;
let session: StdioSession;

const FILES = 40;
const WORDS = "cat dog truck lorry apple banana kitten puppy car the a".split(" ");

beforeAll(async () => {
  root = makeTempDir();
  models = makeTempDir();
  writeTinyModel(models, "tiny/bert");
  // Sections of ~300 words, each its own chunk: about 40 chunks per file.
  for (let f = 0; f < FILES; f++) {
    const sections = Array.from({ length: 40 }, (_, s) => {
      const words = Array.from({ length: 300 }, (_, w) => WORDS[(f + s + w) % WORDS.length]);
      return `## Section ${s}\n\n${words.join(" ")} albatross${f}\n`;
    });
    writeFileSync(join(root, `doc${f}.md`), `# Doc ${f}\n\n${sections.join("\n")}`);
  }
  session = await connectStdio(["--root", root], {
    DOCINDEX_EMBEDDER: "local",
    DOCINDEX_EMBED_MODEL: "tiny/bert",
    DOCINDEX_LOCAL_MODEL_PATH: models,
    DOCINDEX_OFFLINE: "1",
    DOCINDEX_EMBED_BATCH_SIZE: "1",
  });
}, 60_000);

afterAll(async () => {
  await session?.close();
  removeDir(root);
  removeDir(models);
});

async function inventory(): Promise<{ embeddings: Embeddings; text: string }> {
  const result = await callTool(session.client, "inventory", { limit: 0 });
  const summary = (result.structuredContent as { summary: { embeddings: Embeddings } }).summary;
  return { embeddings: summary.embeddings, text: textOf(result) };
}

describe("inventory while the local embedder works through a backlog", () => {
  it("shows the chunks left, chunks/s over the recent rounds and the seconds left; lexical search answers", async () => {
    const during = await eventually(
      async () => {
        const now = await inventory();
        return now.embeddings.chunksPerSecond !== undefined && (now.embeddings.pending ?? 0) > 0
          ? now
          : undefined;
      },
      120_000,
      "inventory to show the backlog's pace",
    );
    const { pending, chunksPerSecond, secondsLeft } = during.embeddings;
    expect(chunksPerSecond).toBeGreaterThan(0);
    expect(secondsLeft).toBe(Math.ceil(pending! / chunksPerSecond!));
    expect(during.text).toMatch(
      new RegExp(
        `${pending} chunks waiting, embedding ${chunksPerSecond} chunks/s, about ${secondsLeft} s left`,
      ),
    );

    const lexical = await callTool(session.client, "search", {
      query: "albatross3",
      mode: "lexical",
    });
    expect(textOf(lexical)).toContain("doc3.md");
    expect((await inventory()).embeddings.pending).toBeGreaterThan(0);

    // A save while the backlog is embedded is searchable before the backlog is done: the
    // backlog gives way to the watcher's job between rounds.
    writeFileSync(join(root, "saved.md"), "# Saved\n\nA pelican landed during embedding.\n");
    await eventually(
      async () => {
        const hits = await callTool(session.client, "search", {
          query: "pelican",
          mode: "lexical",
        });
        return textOf(hits).includes("saved.md") ? true : undefined;
      },
      60_000,
      "the saved file to be searchable",
    );
    expect((await inventory()).embeddings.pending).toBeGreaterThan(0);

    const done = await eventually(
      async () => {
        const now = await inventory();
        return now.embeddings.pending === 0 ? now : undefined;
      },
      120_000,
      "the backlog to finish",
    );
    expect(done.embeddings.chunksPerSecond).toBeUndefined();
    expect(done.embeddings.secondsLeft).toBeUndefined();
    // Too few vectors for the approximate index: inventory says search is exact, and why.
    const result = await callTool(session.client, "inventory", { limit: 0 });
    const summary = (result.structuredContent as { summary: { vectorSearch?: unknown } }).summary;
    expect(summary.vectorSearch).toEqual({
      mode: "exact",
      reason: "no index file yet (one is built from 5,000 vectors)",
    });
    expect(textOf(result)).toContain("Vector search: exact (no index file yet");
  }, 240_000);
});
