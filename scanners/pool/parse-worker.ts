/**
 * The parser worker: runs parseFile (or prepareDocument) under the pool's memory limit. The
 * pool may send several requests ahead; they are handled one at a time, in order, so the pool
 * knows which file is running (the oldest unanswered) when the worker hangs or dies.
 * Run from dist/ (see worker-script.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseFile } from "../parsers/index.js";
import { failed, shortMessage } from "../parsers/outcome.js";
import { prepareDocument } from "./prepare-document.js";
import type { ParseRequest, ParseResponse, WorkerInit } from "./protocol.js";
import type { ParseOutcome } from "../types.js";
import { routeStdoutToStderr } from "./stdout-guard.js";

// Before any parsing: stdout is the server's JSON-RPC channel (see stdout-guard.ts).
routeStdoutToStderr();

const init = (workerData ?? { parseOptions: {} }) as WorkerInit;
const port = parentPort;
if (port === null) throw new Error("parse-worker must run in a worker thread");

let previous: Promise<void> = Promise.resolve();
port.on("message", (request: ParseRequest) => {
  previous = previous.then(async () => {
    const response = await handle(request);
    try {
      port.postMessage(response);
    } catch (error) {
      // An outcome that cannot be cloned still gets its one answer, or the chain would stall.
      port.postMessage({ id: request.id, outcome: failed(`parser error: ${shortMessage(error)}`) });
    }
  });
});

async function handle(request: ParseRequest): Promise<ParseResponse> {
  try {
    const { absPath, kind, prepare } = request;
    return {
      id: request.id,
      outcome:
        prepare === undefined
          ? withoutOutline(await parseFile(absPath, kind, init.parseOptions))
          : await prepareDocument(
              { absPath, path: prepare.path, kind, sizeLimit: prepare.sizeLimit },
              prepare.chunk,
              init.parseOptions,
            ),
    };
  } catch (error) {
    return { id: request.id, outcome: failed(`parser error: ${shortMessage(error)}`) };
  }
}

/** The syntax outline is for a chunker in this thread; the caller of parseFile gets the rest. */
function withoutOutline(outcome: ParseOutcome): ParseOutcome {
  if (outcome.ok) delete outcome.doc.outline;
  return outcome;
}
