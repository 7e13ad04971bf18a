/**
 * A real source tree from the npm registry at a pinned version: `npm pack NAME@VERSION` and
 * the tarball unpacked, cached under node_modules/.cache/npm-packages/ (never committed).
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheFolder, cachedBuild, runCommand } from "./build-cache.js";

/** The unpacked package folder (the tarball's `package/`). */
export async function npmPackageTree(name: string, version: string): Promise<string> {
  const dir = await cachedBuild(
    cacheFolder("npm-packages"),
    `${name.replace("/", "+")}-${version}`,
    async (into) => {
      mkdirSync(into, { recursive: true });
      await runCommand(
        "npm",
        ["pack", `${name}@${version}`, "--pack-destination", into, "--ignore-scripts", "--silent"],
        `npm pack ${name}@${version}`,
      );
      const tarball = readdirSync(into).find((f) => f.endsWith(".tgz"));
      if (tarball === undefined) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
      await runCommand("tar", ["-xzf", join(into, tarball), "-C", into], `unpack ${tarball}`);
      rmSync(join(into, tarball));
    },
  );
  return join(dir, "package");
}
