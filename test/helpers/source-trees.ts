/**
 * Real source trees for the symbol tests and bench: released packages fetched from the
 * registries at pinned versions, checked against a pinned sha256, unpacked once under
 * node_modules/.cache/source-trees/<name>/ (never committed). Each names the files to read
 * and the language docindex gives them.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { unzipSync } from "fflate";
import { cacheFolder, cachedBuild, runCommand } from "./build-cache.js";

export interface SourceTree {
  /** Folder name under the cache, and the name the tests print. */
  name: string;
  /** docindex language id of the files (scanners/detect/kind.ts). */
  language: string;
  /** ctags's name for that language (--language-force). */
  ctagsLanguage: string;
  url: string;
  sha256: string;
  archive: "tar.gz" | "zip";
  /** Which unpacked files are this language's. */
  files: RegExp;
  /** At most this many files, the first in path order (a large tree makes a slow test). */
  maxFiles?: number;
}

export const SOURCE_TREES: readonly SourceTree[] = [
  {
    name: "requests-2.32.3",
    language: "python",
    ctagsLanguage: "Python",
    url: "https://files.pythonhosted.org/packages/63/70/2bf7780ad2d390a8d301ad0b550f1581eadbd9a20f896afe06353c2a2913/requests-2.32.3.tar.gz",
    sha256: "55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760",
    archive: "tar.gz",
    files: /\.py$/,
  },
  {
    name: "pflag-1.0.5",
    language: "go",
    ctagsLanguage: "Go",
    url: "https://proxy.golang.org/github.com/spf13/pflag/@v/v1.0.5.zip",
    sha256: "fc6e704f2f6a84ddcdce6de0404e5340fa20c8676181bf5d381b17888107ba84",
    archive: "zip",
    files: /\.go$/,
  },
  {
    name: "semver-1.0.23",
    language: "rust",
    ctagsLanguage: "Rust",
    url: "https://static.crates.io/crates/semver/semver-1.0.23.crate",
    sha256: "61697e0a1c7e512e84a621326239844a24d8207b4669b41bc18b32ea5cbf988b",
    archive: "tar.gz",
    files: /\.rs$/,
  },
  {
    name: "gson-2.11.0",
    language: "java",
    ctagsLanguage: "Java",
    url: "https://repo1.maven.org/maven2/com/google/code/gson/gson/2.11.0/gson-2.11.0-sources.jar",
    sha256: "49a853f71bc874ee1898a4ad5009b57d0c536e5a998b3890253ffbf4b7276ad3",
    archive: "zip",
    files: /\.java$/,
  },
  {
    name: "libz-sys-1.1.20",
    language: "c",
    ctagsLanguage: "C",
    url: "https://static.crates.io/crates/libz-sys/libz-sys-1.1.20.crate",
    sha256: "d2d16453e800a8cf6dd2fc3eb4bc99b786a9b90c663b8559a5b1a041bf89e472",
    archive: "tar.gz",
    files: /\/src\/zlib\/[^/]+\.c$/,
  },
  {
    name: "node-addon-api-8.3.0",
    language: "cpp",
    ctagsLanguage: "C++",
    url: "https://registry.npmjs.org/node-addon-api/-/node-addon-api-8.3.0.tgz",
    sha256: "a0ce67653a251f56ea40d2eab08797934b6cfc9db4d48766795d97bb9b4d960d",
    archive: "tar.gz",
    files: /\.(?:h|cc)$/,
  },
  {
    name: "express-4.21.2",
    language: "javascript",
    ctagsLanguage: "JavaScript",
    url: "https://registry.npmjs.org/express/-/express-4.21.2.tgz",
    sha256: "fc43a91e7dc7affb53c6ad7123a4f35485ed3c45226ae7a3847b7738e783e008",
    archive: "tar.gz",
    files: /\.js$/,
  },
  {
    name: "rxjs-7.8.1",
    language: "typescript",
    ctagsLanguage: "TypeScript",
    url: "https://registry.npmjs.org/rxjs/-/rxjs-7.8.1.tgz",
    sha256: "c532167725ab7d085123209156c93cef22f2479cb9c8527060f1cd903aa9d149",
    archive: "tar.gz",
    files: /\/src\/internal\/.*(?<!\.d)\.ts$/,
  },
  {
    name: "n-10.1.0",
    language: "shell",
    ctagsLanguage: "Sh",
    url: "https://registry.npmjs.org/n/-/n-10.1.0.tgz",
    sha256: "fc548d53f9c41530462b3accf6c43b293e59fb8ac1c9c65fca2c83dfcfd58296",
    archive: "tar.gz",
    files: /\/bin\/n$/,
  },
  {
    name: "jruby-stdlib-9.4.8.0",
    language: "ruby",
    ctagsLanguage: "Ruby",
    url: "https://repo1.maven.org/maven2/org/jruby/jruby-stdlib/9.4.8.0/jruby-stdlib-9.4.8.0.jar",
    sha256: "65fe84ad475e01ef265d4359af7d0dd2da8d563154cc246f3ac43f2bbcedc621",
    archive: "zip",
    files: /\/lib\/ruby\/stdlib\/(?:net|uri|json|set|optparse)[^]*\.rb$/,
    maxFiles: 120,
  },
  {
    name: "block-library-9.20.0",
    language: "php",
    ctagsLanguage: "PHP",
    url: "https://registry.npmjs.org/@wordpress/block-library/-/block-library-9.20.0.tgz",
    sha256: "f7a1b341fc60e1edddb55f55b0c3537f75b22fbe9c772d2eb859bf4b0e1b1194",
    archive: "tar.gz",
    // The PHP of each block's server-side rendering; build/ and build-module/ repeat src/.
    files: /\/package\/src\/.*\.php$/,
  },
  {
    name: "edge-js-26.1.0",
    language: "csharp",
    ctagsLanguage: "C#",
    url: "https://registry.npmjs.org/edge-js/-/edge-js-26.1.0.tgz",
    sha256: "411bafe66d7a067e2d695b1f10d764f4717e3f0fff7d80b8c5b587b3abb60688",
    archive: "tar.gz",
    files: /\.cs$/,
  },
];

/** The unpacked tree (downloaded and checked on first use). */
export async function fetchSourceTree(tree: SourceTree): Promise<string> {
  return cachedBuild(cacheFolder("source-trees"), tree.name, async (into) => {
    const response = await fetch(tree.url);
    if (!response.ok) throw new Error(`${tree.url}: HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = createHash("sha256").update(bytes).digest("hex");
    if (digest !== tree.sha256)
      throw new Error(`${tree.url}: sha256 ${digest}, expected the pinned ${tree.sha256}`);
    mkdirSync(into, { recursive: true });
    if (tree.archive === "tar.gz") {
      const file = join(into, ".archive.tar.gz");
      writeFileSync(file, bytes);
      await runCommand(
        "tar",
        ["-xzf", file, "-C", into, "--no-same-owner"],
        `unpacking ${tree.name}`,
      );
      return;
    }
    for (const [name, content] of Object.entries(unzipSync(bytes))) {
      if (name.endsWith("/") || name.split("/").includes("..")) continue;
      const target = join(into, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  });
}

/** The tree's files of its language, root-relative POSIX paths in byte order. */
export function sourceFiles(tree: SourceTree, root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = relative(root, full).split(sep).join("/");
        if (tree.files.test(`/${path}`)) found.push(path);
      }
    }
  };
  walk(root);
  found.sort();
  return tree.maxFiles === undefined ? found : found.slice(0, tree.maxFiles);
}
