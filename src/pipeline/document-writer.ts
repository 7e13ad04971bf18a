/**
 * Groups the pipeline's document writes into few commits. Parsing goes on while documents wait
 * here, so the parsers never wait for a commit, and the store pays one commit per batch instead
 * of one per file. Each document is still replaced atomically (the batch is one transaction), a
 * crash loses at most the uncommitted batch (the next run finds those files missing from the
 * catalog and indexes them), and the wait is bounded in documents, bytes and time so that memory
 * stays flat and a slow parse does not hide finished documents from searches for long.
 */
import type { DocumentWrite, Store } from "../../indexers/store.js";

export interface DocumentWriterLimits {
  maxDocuments: number;
  /** Text bytes (UTF-16 code units, roughly) held before a commit. */
  maxChars: number;
  /** How long the first waiting document waits at most. */
  maxDelayMs: number;
}

export const DEFAULT_WRITER_LIMITS: DocumentWriterLimits = {
  maxDocuments: 200,
  maxChars: 8 * 1024 * 1024,
  maxDelayMs: 200,
};

interface Pending {
  write: DocumentWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class DocumentWriter {
  private pending: Pending[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly limits: DocumentWriterLimits = DEFAULT_WRITER_LIMITS,
  ) {}

  /** Resolves once the document is committed; rejects with the store's error. */
  write(write: DocumentWrite): Promise<void> {
    // A store without a batch write (Elasticsearch) groups concurrent upserts itself: hand each
    // document over at once, so that it sees them together and each fails or succeeds alone.
    if (!this.store.upsertDocuments)
      return this.store.upsertDocument(
        write.doc,
        write.chunks,
        write.text,
        write.parts,
        write.symbols,
      );
    const done = new Promise<void>((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
    });
    this.chars += writtenChars(write);
    if (this.pending.length >= this.limits.maxDocuments || this.chars >= this.limits.maxChars)
      void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.limits.maxDelayMs);
    return done;
  }

  /** Commits everything waiting; resolves when every earlier write is committed. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.chars = 0;
    // Commits stay in order: a later batch may replace a document an earlier one wrote.
    this.writing = this.writing.then(() => (batch.length > 0 ? this.commit(batch) : undefined));
    return this.writing;
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      await this.store.upsertDocuments!(batch.map((p) => p.write));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    for (const p of batch) p.resolve();
  }
}

function writtenChars(write: DocumentWrite): number {
  const own = (write.text?.length ?? 0) + write.chunks.reduce((n, c) => n + c.text.length, 0);
  return (write.parts ?? []).reduce((n, part) => n + writtenChars(part), own);
}
