/**
 * Where a server's CPU time went, per phase of a tool call, from the V8 profiles that
 * `node --cpu-prof` writes (the server bench sets it with DOCINDEX_BENCH_CPU_PROF=<folder>):
 *
 *   node dist/bench/cpu-profile.js <folder or .cpuprofile>...
 *
 * Each sample goes to the phase of its deepest frame that belongs to one, so native work
 * (JSON.stringify, a SQLite step) counts for the code that asked for it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins; order from the most specific. */
const PHASES: [string, RegExp][] = [
  ["snippet", /indexers\/text\/snippet/],
  // better-sqlite3's statement calls are native and inlined into their JS caller, so the FTS5
  // ranking query counts here with the (small) JS grouping of its candidates.
  ["SQL: FTS5 ranking + grouping (lexical-top)", /indexers\/sqlite\/lexical-top/],
  ["grouping (fusion)", /src\/search\/fusion/],
  ["SQL (better-sqlite3, FTS5)", /indexers\/sqlite\/|better-sqlite3/],
  ["zod validation", /\/zod\//],
  ["formatting (tool result, text)", /src\/search\/format|src\/tools\//],
  ["reader threads (messaging)", /src\/server\/search-reader/],
  [
    "JSON-RPC / transport (SDK, HTTP)",
    /@modelcontextprotocol|@hono|node:http|_http_|node:net|node:stream|src\/server\/http/,
  ],
];

function phaseOfFrame(frame: ProfileNode["callFrame"]): string | undefined {
  if (frame.functionName === "(garbage collector)") return "garbage collection";
  if (frame.functionName === "(idle)") return "idle";
  if (frame.functionName === "(program)") return "program (V8, native)";
  return PHASES.find(([, pattern]) => pattern.test(frame.url))?.[0];
}

function summarize(profile: Profile, totals: Map<string, number>): void {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const phaseOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = phaseOf.get(id);
    if (known !== undefined) return known;
    const own = phaseOfFrame(byId.get(id)!.callFrame);
    const up = parent.get(id);
    const phase = own ?? (up === undefined ? "other" : resolve(up));
    phaseOf.set(id, phase);
    return phase;
  };
  profile.samples.forEach((id, i) => {
    const phase = resolve(id);
    totals.set(phase, (totals.get(phase) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
}

function files(args: string[]): string[] {
  return args.flatMap((arg) =>
    statSync(arg).isDirectory()
      ? readdirSync(arg)
          .filter((f) => f.endsWith(".cpuprofile"))
          .map((f) => join(arg, f))
      : [arg],
  );
}

for (const file of files(process.argv.slice(2))) {
  const totals = new Map<string, number>();
  summarize(JSON.parse(readFileSync(file, "utf8")) as Profile, totals);
  const busy = [...totals].filter(([phase]) => phase !== "idle").reduce((s, [, ms]) => s + ms, 0);
  console.log(`\n${file}: ${Math.round(busy)} ms busy`);
  console.log("| phase | ms | share of busy |");
  console.log("|---|---:|---:|");
  for (const [phase, ms] of [...totals].sort((a, b) => b[1] - a[1])) {
    const share = phase === "idle" ? "" : `${((100 * ms) / busy).toFixed(1)}%`;
    console.log(`| ${phase} | ${Math.round(ms)} | ${share} |`);
  }
}
