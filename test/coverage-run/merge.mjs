/**
 * Adds the children's coverage to vitest's in-process coverage, file by file.
 *
 * Both come from ast-v8-to-istanbul, but over different generated code: vite's transform
 * in-process, tsc's output in the children. A statement, function or branch starts at the same
 * place in the .ts source either way, while its end often differs (vite's source maps seldom
 * map the end of a statement). istanbul's own merge keys on start and end, and would count each
 * such item twice, once covered and once not; this pairs items by where they start.
 */
import { libCoverage } from "./tools.mjs";

const at = (position) => `${position.line}:${position.column}`;

/** Groups the ids of `items` not yet paired by `keyOf`, each group in source order. */
function groupOpen(items, paired, keyOf) {
  const groups = new Map();
  for (const [id, item] of Object.entries(items)) {
    if (paired.has(id)) continue;
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(id);
  }
  return groups;
}

/**
 * Pairs `from`'s items with `into`'s: first those that start at the same place, then those
 * that start on the same line, in order along it. tsc and vite map some starts to different
 * columns (a method's modifiers, a declarator's name) or, for functions, one of the two starts
 * (name, body) to another line; so functions try each of their starts. Returns a Map from
 * `from` ids to `into` ids.
 */
function pair(intoItems, fromItems, startsOf) {
  const pairs = new Map();
  const taken = new Set();
  const keys = [
    ...startsOf.map((startOf) => (item) => at(startOf(item))),
    ...startsOf.map((startOf) => (item) => String(startOf(item).line)),
  ];
  for (const keyOf of keys) {
    const open = groupOpen(intoItems, taken, keyOf);
    for (const [key, ids] of groupOpen(fromItems, pairs, keyOf)) {
      const targets = open.get(key) ?? [];
      ids.forEach((id, i) => {
        if (targets[i] === undefined) return;
        pairs.set(id, targets[i]);
        taken.add(targets[i]);
      });
    }
  }
  return pairs;
}

/**
 * Adds `from`'s hits on items of one kind (statements, functions or branches) to `into`;
 * items that `into` has no counterpart for are appended. Returns how many were appended.
 */
function addHits(into, from, mapName, hitsName, startsOf, add) {
  let next = Object.keys(into[mapName]).length;
  let appended = 0;
  const pairs = pair(into[mapName], from[mapName], startsOf);
  for (const id of Object.keys(from[mapName])) {
    const target = pairs.get(id);
    if (target !== undefined) {
      into[hitsName][target] = add(into[hitsName][target], from[hitsName][id]);
    } else {
      const newId = String(next++);
      into[mapName][newId] = from[mapName][id];
      into[hitsName][newId] = from[hitsName][id];
      appended++;
    }
  }
  return appended;
}

const addCounts = (a, b) => a + b;
// Both converters give a branch the same arms (if/else, each case, each side of ?: and ||).
const addBranchCounts = (a, b) => a.map((count, i) => count + (b[i] ?? 0));

function mergeFile(into, from) {
  return (
    addHits(into, from, "statementMap", "s", [(item) => item.start], addCounts) +
    addHits(
      into,
      from,
      "fnMap",
      "f",
      [(item) => item.decl.start, (item) => item.loc.start],
      addCounts,
    ) +
    addHits(into, from, "branchMap", "b", [(item) => item.loc.start], addBranchCounts)
  );
}

/** Coverage data is plain JSON (vitest reads it from a file), so a JSON round trip copies it. */
const copy = (data) => JSON.parse(JSON.stringify(data));

/**
 * @param {object} inProcess istanbul coverage data (file -> data), vitest's
 * @param {import("istanbul-lib-coverage").CoverageMap} children
 * @returns {{ map: import("istanbul-lib-coverage").CoverageMap, unmatched: number }}
 *   unmatched: children's items with no counterpart in-process (0 when both converters agree)
 */
export function mergeCoverage(inProcess, children) {
  const data = copy(inProcess);
  let unmatched = 0;
  for (const file of children.files()) {
    const childData = copy(children.fileCoverageFor(file).data);
    if (data[file]) unmatched += mergeFile(data[file], childData);
    else data[file] = childData;
  }
  return { map: libCoverage.createCoverageMap(data), unmatched };
}
