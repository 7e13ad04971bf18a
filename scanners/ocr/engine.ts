/**
 * tesseract.js workers, one per purpose (recognition, orientation detection), started on first
 * use and kept for the life of the parse worker: starting one costs 0.7-1.5 s (its WebAssembly
 * core and the model), more than most pages take.
 *
 * tesseract.js runs each as a worker thread of its own, nested in the parse worker. That is what
 * makes the per-page time limit hold: a page that runs too long is abandoned by terminating the
 * nested thread (the WebAssembly code cannot be interrupted otherwise), and the next page starts
 * a fresh one, while the parse worker and its file go on. When the pool terminates a parse
 * worker, its nested threads end with it.
 *
 * Offline by construction: the WebAssembly core is `require`d from tesseract.js-core (tesseract.js
 * does so in Node), the models are read from the local package folders (languages.ts) and no
 * cache is written (`cacheMethod: "none"`; by default tesseract.js writes the model into the
 * current folder).
 */
import Tesseract from "tesseract.js";
import { orientationModel, recognitionModels, type LanguageModels } from "./languages.js";

export type Timed<T> =
  | { ok: true; value: T }
  | { ok: false; timedOut: true }
  | { ok: false; timedOut: false; error: string };

/** A lazily started tesseract.js worker whose jobs each run under a time limit. */
export class TesseractSession {
  private worker: Promise<Tesseract.Worker> | undefined;

  constructor(private readonly start: () => Promise<Tesseract.Worker>) {}

  /**
   * Runs `job` on the worker, started if needed. Past `timeoutMs` of the job itself (not
   * counting the worker's start) the worker is terminated and `{ timedOut: true }` returned.
   */
  async run<T>(
    job: (worker: Tesseract.Worker) => Promise<T>,
    timeoutMs: number,
  ): Promise<Timed<T>> {
    let worker: Tesseract.Worker;
    try {
      worker = await (this.worker ??= this.start());
    } catch (error) {
      this.worker = undefined;
      return { ok: false, timedOut: false, error: message(error) };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, timeoutMs));
    });
    try {
      const result = await Promise.race([job(worker).then((value) => ({ value })), timeout]);
      if (result !== "timeout") return { ok: true, value: result.value };
      await this.reset();
      return { ok: false, timedOut: true };
    } catch (error) {
      return { ok: false, timedOut: false, error: message(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the worker thread; the next job starts a new one. */
  async reset(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.then((w) => w.terminate()).catch(() => undefined);
  }
}

function startWorker(models: LanguageModels, oem: Tesseract.OEM, legacy: boolean) {
  return async () => {
    const worker = await Tesseract.createWorker(models.langs, oem, {
      langPath: models.langPath,
      cacheMethod: "none",
      gzip: true,
      legacyCore: legacy,
      legacyLang: legacy,
      // Without a handler, tesseract.js throws a failed job's error (an unreadable image) out
      // of its message listener, where nothing can catch it; the job's promise rejects anyway.
      errorHandler: () => undefined,
    });
    // tesseract.js reads a page as one block of text by default, which runs the lines of
    // columns into each other: word accuracy 2-7% on the dataset's two-column magazine pages,
    // 90% with tesseract's own page layout analysis (scanners/ocr/README.md).
    await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.AUTO });
    return worker;
  };
}

const sessions = new Map<string, TesseractSession>();

/** The recognition session for these languages (one per parse worker and language set). */
export function recognizer(languages: readonly string[]): TesseractSession {
  const key = `lstm:${languages.join("+")}`;
  let session = sessions.get(key);
  if (session === undefined) {
    // Resolved here, not at start: a missing language package is reported on the first page.
    const models = recognitionModels(languages);
    session = new TesseractSession(startWorker(models, Tesseract.OEM.LSTM_ONLY, false));
    sessions.set(key, session);
  }
  return session;
}

/** Orientation and script detection needs the legacy engine and the `osd` model. */
export function orientationDetector(): TesseractSession {
  let session = sessions.get("osd");
  if (session === undefined) {
    session = new TesseractSession(
      startWorker(orientationModel(), Tesseract.OEM.TESSERACT_ONLY, true),
    );
    sessions.set("osd", session);
  }
  return session;
}

/**
 * Ends every tesseract worker of this thread. A parse worker never needs it (its nested threads
 * end with it); a process that OCRs in its main thread (tests, the benchmark) calls it to exit.
 */
export async function closeOcr(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map((session) => session.reset()));
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^(?:Error: )+/, "").trim() || "unknown error";
}
