/**
 * Whether the Elasticsearch suites can run here: they start real nodes from Maven Central jars,
 * so they need Java 17+ and Maven. Without them a suite skips with one line that says so, unless
 * DOCINDEX_REQUIRE_ES=1 (CI), which makes the absence a failure. DOCINDEX_ES_TESTS=0 skips on
 * purpose.
 */
import { spawnSync } from "node:child_process";

function missingTools(): string[] {
  const missing: string[] = [];
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).error) missing.push("java");
  if (spawnSync("mvn", ["-v"], { stdio: "ignore" }).error) missing.push("mvn");
  return missing;
}

let answer: boolean | undefined;

export function elasticsearchAvailable(): boolean {
  if (answer !== undefined) return answer;
  if (process.env.DOCINDEX_ES_TESTS === "0") {
    if (process.env.DOCINDEX_REQUIRE_ES === "1") {
      throw new Error("DOCINDEX_ES_TESTS=0 contradicts DOCINDEX_REQUIRE_ES=1");
    }
    process.stderr.write("skipping: the Elasticsearch suites (DOCINDEX_ES_TESTS=0)\n");
    return (answer = false);
  }
  const missing = missingTools();
  if (missing.length === 0) return (answer = true);
  const line = `the Elasticsearch suites need Java 17+ and Maven; not found: ${missing.join(", ")}`;
  if (process.env.DOCINDEX_REQUIRE_ES === "1") {
    throw new Error(`${line} (DOCINDEX_REQUIRE_ES=1 makes this an error)`);
  }
  process.stderr.write(`skipping: ${line}\n`);
  return (answer = false);
}
