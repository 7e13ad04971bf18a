/**
 * The server `instructions` a client reads before its first call: how to use the tools, and
 * what this workspace's index holds (files by kind, the roots, whether semantic search is
 * on), so a model knows what it can ask for. Counting the index is a query over every row,
 * so the text is kept, marked stale when an indexing job ends, and recounted in the
 * background at most every `minIntervalMs`: a client may see counts a few seconds old.
 */
import type { StoreStats } from "../../indexers/store.js";
import { describeError } from "../errors.js";
import type { ServerContext } from "./context.js";

export const USAGE_INSTRUCTIONS =
  "docindex indexes the documents of this workspace (code, Markdown, text, HTML, PDF, Word). " +
  "Use `search` to find passages (with file, lines or page), `symbols` to find where a function, class " +
  "or other definition is by name, `read_document` to read around a hit, " +
  "`analyze` for a document's outline, key terms, related files and duplicates, and `inventory` to see " +
  "what is indexed and why some files are not.";

const number = new Intl.NumberFormat("en");

/** The instructions for an index with these figures. */
export function describeWorkspace(
  stats: Pick<StoreStats, "byKind" | "byStatus">,
  roots: string[],
  embeddings: boolean,
): string {
  const indexed = stats.byStatus.indexed ?? 0;
  const kinds = Object.entries(stats.byKind)
    .filter(([, count]) => (count ?? 0) > 0)
    .sort(([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b))
    .map(([kind, count]) => `${number.format(count ?? 0)} ${kind}`);
  const notIndexed = Object.entries(stats.byStatus)
    .filter(([status]) => status !== "indexed")
    .reduce((sum, [, count]) => sum + (count ?? 0), 0);
  const parts = [
    `This workspace: ${number.format(indexed)} files indexed` +
      (kinds.length > 0 ? ` (by kind, all files: ${kinds.join(", ")})` : "") +
      (notIndexed > 0 ? `; ${number.format(notIndexed)} not indexed (see \`inventory\`)` : "") +
      ".",
    `Roots: ${roots.join(", ")} (name one by its folder name in a tool's \`root\`).`,
    embeddings
      ? "Semantic search is on: `search` matches meaning as well as words."
      : "Semantic search is off (no embedder configured): `search` matches words.",
  ];
  return `${USAGE_INSTRUCTIONS} ${parts.join(" ")}`;
}

export class WorkspaceInstructions {
  private text = USAGE_INSTRUCTIONS;
  private stale = true;
  private lastCount = 0;
  private counting: Promise<void> | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly ctx: ServerContext,
    private readonly minIntervalMs = 10_000,
  ) {
    this.stopListening = ctx.jobs.onFinished(() => {
      this.stale = true;
    });
  }

  /** Counts the index now; the entries await it once before they serve. */
  refresh(): Promise<void> {
    this.counting ??= this.count().finally(() => (this.counting = undefined));
    return this.counting;
  }

  /** The text as last counted; starts a recount when an index job ended since. */
  current(): string {
    if (this.stale && Date.now() - this.lastCount >= this.minIntervalMs) void this.refresh();
    return this.text;
  }

  close(): void {
    this.stopListening();
  }

  private async count(): Promise<void> {
    this.stale = false;
    this.lastCount = Date.now();
    try {
      const stats = await this.ctx.store.stats();
      this.text = describeWorkspace(stats, this.ctx.roots, this.ctx.vectors.enabled);
    } catch (error) {
      // The tools say what is wrong with the store; the instructions keep their last figures.
      this.stale = true;
      this.ctx.log.warn("instructions: counting the index failed", {
        error: describeError(error),
      });
    }
  }
}
