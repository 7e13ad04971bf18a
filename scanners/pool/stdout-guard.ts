/**
 * In stdio mode the server's stdout carries JSON-RPC, and a worker thread's stdout is piped
 * into it. Parser libraries may print (pdf.js logs through console.log), so a worker sends
 * everything written to its stdout to stderr instead. Redirecting inside the worker, rather
 * than with the Worker `stdout: true` option, keeps idle workers from pinning the event loop:
 * a captured stdout stream holds a reference that worker.unref() does not release.
 */
export function routeStdoutToStderr(): void {
  const toStderr = process.stderr.write.bind(process.stderr) as (...args: unknown[]) => boolean;
  process.stdout.write = ((...args: unknown[]) => toStderr(...args)) as typeof process.stdout.write;
}
