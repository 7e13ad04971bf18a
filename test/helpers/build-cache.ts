/**
 * Things tests fetch at pinned versions (Python environments, npm packages, Node binaries),
 * built once under node_modules/.cache/<folder>/<name>/ so that a clean clone needs no setup
 * and reruns are fast. Each is built in a folder of its own and renamed into place when
 * complete, so an interrupted download or two runs at once never leave a half-built copy.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "./datasets.js";

/** node_modules/.cache/<folder>, beside the packages npm installs. */
export function cacheFolder(folder: string): string {
  return join(repositoryRoot(), "node_modules", ".cache", folder);
}

/** Builds `<root>/<name>` with `build(into)` unless it is there; returns its path. */
export async function cachedBuild(
  root: string,
  name: string,
  build: (into: string) => Promise<void>,
): Promise<string> {
  const dir = join(root, name);
  if (existsSync(dir)) return dir;
  mkdirSync(root, { recursive: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    await build(building);
    renameSync(building, dir);
  } catch (error) {
    // Another run finished first: its copy is as good as ours.
    if (!existsSync(dir)) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** Runs a command to completion; resolves with its stdout, rejects with its output on failure. */
export function runCommand(command: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", (error) => reject(new Error(`${what}: ${error.message}`)));
    child.once("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${what} exited with ${code}:\n${stdout}${stderr}`)),
    );
  });
}
