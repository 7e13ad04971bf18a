/**
 * The parser worker: runs parseFile for one request at a time under the pool's memory limit.
 * Run from dist/ (see worker-script.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseFile } from "../parsers/index.js";
import { failed, shortMessage } from "../parsers/outcome.js";
import type { ParseRequest, ParseResponse, WorkerInit } from "./protocol.js";
import { routeStdoutToStderr } from "./stdout-guard.js";

// Before any parsing: stdout is the server's JSON-RPC channel (see stdout-guard.ts).
routeStdoutToStderr();

const init = (workerData ?? { parseOptions: {} }) as WorkerInit;
const port = parentPort;
if (port === null) throw new Error("parse-worker must run in a worker thread");

port.on("message", (request: ParseRequest) => {
  void handle(request).then((response) => port.postMessage(response));
});

async function handle(request: ParseRequest): Promise<ParseResponse> {
  try {
    return {
      id: request.id,
      outcome: await parseFile(request.absPath, request.kind, init.parseOptions),
    };
  } catch (error) {
    return { id: request.id, outcome: failed(`parser error: ${shortMessage(error)}`) };
  }
}
