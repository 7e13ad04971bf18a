#!/usr/bin/env node
/**
 * The `docindex` command. Only wiring: each command lives in its own module. Errors that are
 * the user's to fix (usage, configuration, missing folders) print one line and exit 2; any
 * other failure of the run prints one line and exits 1. Never a stack trace, unless
 * DOCINDEX_DEBUG is set.
 */
import { readFileSync } from "node:fs";
import { isDocindexError, describeError } from "../errors.js";

const HELP = `Usage: docindex <command> [options]

Commands:
  reindex [DIR...]    scan and index folders (incremental)
  search QUERY        search the index
  symbols NAME        find definitions in the indexed code by name
  grep PATTERN        exact lines matching a literal or regular expression (ripgrep syntax)
  inventory [DIR]     write file_registry.json and SYSTEM_INVENTORY.md
  explain PATH...     say which rule admits or excludes a path (like git check-ignore -v)
  serve               run the MCP server (stdio, or Streamable HTTP with --http)
  doctor [DIR]        check the index, cache, embedder, store and ignore rules; say what to do

Run \`docindex <command> --help\` for a command's options.
Options: -h, --help    show this help;  -v, --version    print the version`;

/**
 * Each command is imported only when it runs: between them they pull in the MCP SDK, the
 * Elasticsearch client, the embedders and the PDF engine, and `--help` or a `search` on SQLite
 * should not pay for loading what it never calls.
 */
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  reindex: async (argv) => (await import("./commands/reindex.js")).runReindex(argv),
  search: async (argv) => (await import("./commands/search.js")).runSearch(argv),
  symbols: async (argv) => (await import("./commands/symbols.js")).runSymbols(argv),
  grep: async (argv) => (await import("./commands/grep.js")).runGrepCommand(argv),
  inventory: async (argv) => (await import("./commands/inventory.js")).runInventory(argv),
  explain: async (argv) => (await import("./commands/explain.js")).runExplain(argv),
  serve: async (argv) => (await import("./commands/serve.js")).runServe(argv),
  doctor: async (argv) => (await import("./commands/doctor.js")).runDoctor(argv),
};

function version(): string {
  const pkg = JSON.parse(
    readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
  ) as {
    version: string;
  };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(HELP + "\n");
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    process.stdout.write(version() + "\n");
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    process.stderr.write(`docindex: unknown command '${command}' (see \`docindex --help\`)\n`);
    return 2;
  }
  return run(rest);
}

function exitCodeFor(error: unknown): number {
  if (!isDocindexError(error)) return 1;
  return error.code === "USAGE" || error.code === "CONFIG" || error.code === "NOT_FOUND" ? 2 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`docindex: ${describeError(error)}\n`);
    if (process.env.DOCINDEX_DEBUG && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
