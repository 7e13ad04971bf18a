/**
 * Every PPTX, XLSX, OpenDocument, EPUB, RTF and e-mail file of the shared datasets through the real
 * pipeline (walker, parser workers, SQLite): each ends as a row with a status, and the text of
 * each readable file is findable. The yardstick is the text the libraries these files come from
 * extract (python-pptx, openpyxl, odfpy, EbookLib, striprtf, extract-msg from PyPI, Python's email
 * package: office-oracle.py): known-item
 * probes of eight consecutive words of it must return the file in the top 10.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REASONS } from "../../../scanners/parsers/index.js";
import { renderInventoryMarkdown } from "../../../src/inventory/markdown.js";
import { buildRegistry } from "../../../src/inventory/registry.js";
import { indexTree, type IndexedTree } from "../../helpers/indexed-tree.js";
import {
  PIP_TIMEOUT_MS,
  pythonAvailable,
  pythonVenv,
  runCommand,
} from "../../helpers/python-venv.js";
import { DATASETS, HAVE_DOCS } from "./datasets.js";

const FOLDERS = ["pptx", "xlsx", "odf", "epub", "rtf", "eml"] as const;
const ORACLE = fileURLToPath(new URL("./office-oracle.py", import.meta.url));
const ORACLE_PACKAGES = [
  "python-pptx==1.0.2",
  "openpyxl==3.1.5",
  "odfpy==1.4.1",
  "EbookLib==0.18",
  "striprtf==0.0.35",
  "extract-msg==0.57.0",
];
const PROBES_PER_FILE = 4;
const PROBE_WORDS = 8;

/** Files that are not indexed, and why; every other file of the folders must be indexed. */
const NOT_INDEXED: Record<string, string> = {
  // Charts, a picture, a movie, group shapes without text, no slides: nothing to read (python-pptx finds no words either).
  "pythonpptx__cht-chart-type.pptx": REASONS.noText,
  "pythonpptx__minimal.pptx": REASONS.noText,
  "pythonpptx__no-slides.pptx": REASONS.noText,
  "pythonpptx__shp-groupshape.pptx": REASONS.noText,
  "pythonpptx__shp-movie-props.pptx": REASONS.noText,
  "calamine__issue252.xlsx": 'corrupt: CRC mismatch in zip entry "xl/_rels/workbook.xml.rels"',
  "calamine__pass_protected.xlsx": REASONS.encrypted,
  "calamine__picture.xlsx": REASONS.noText,
  "calamine__vba.xlsm": REASONS.noText,
  // Only its page-style header and footer placeholders ("???", "Page 1") have text.
  "odfpy__empty.ods": REASONS.noText,
  "odfpy__nasty.odt": "refused: XML entity declarations (entity expansion or XXE)",
  // A picture and nothing else.
  "pandoc__rtf__image.rtf": REASONS.noText,
};

const files = HAVE_DOCS
  ? FOLDERS.flatMap((folder) =>
      readdirSync(join(DATASETS, folder))
        .filter((name) => !/\.(md|json)$/.test(name))
        .map((name) => ({ folder, name })),
    )
  : [];

describe.skipIf(!HAVE_DOCS)(
  "Office, OpenDocument, EPUB, RTF and e-mail datasets through the pipeline",
  () => {
    let tree: IndexedTree;

    beforeAll(async () => {
      tree = await indexTree(
        Object.fromEntries(
          files.map((f) => [
            `${f.folder}/${f.name}`,
            readFileSync(join(DATASETS, f.folder, f.name)),
          ]),
        ),
        // The password msoffcrypto's own tests use for its example (manifest.json).
        { officePasswords: ["not this one", "Password1234_"] },
      );
    }, 300_000);
    afterAll(async () => tree?.close());

    it("ends every file as a row: indexed, or a plain reason", async () => {
      for (const { folder, name } of files) {
        const doc = await tree.store.getDocument(tree.root, `${folder}/${name}`);
        expect(doc, name).toBeDefined();
        const expected = NOT_INDEXED[name];
        if (expected === undefined) {
          expect([name, doc!.status, doc!.reason]).toEqual([name, "indexed", undefined]);
          expect(doc!.chunkCount, name).toBeGreaterThan(0);
        } else {
          expect([name, doc!.reason]).toEqual([name, expected]);
        }
      }
    });

    it("opens a password-protected workbook with a configured password: the same text as its decrypted twin", async () => {
      const chunks = async (name: string) =>
        (await tree.store.getChunks(tree.root, `xlsx/${name}`)).map((c) => c.text);
      const opened = await chunks("msoffcrypto__inputs__example_password.xlsx");
      expect(opened.length).toBeGreaterThan(0);
      expect(opened).toEqual(await chunks("msoffcrypto__outputs__example.xlsx"));
    });

    it("shows the new kinds in the registry and SYSTEM_INVENTORY.md", async () => {
      const markdown = renderInventoryMarkdown(
        await buildRegistry(tree.root, tree.settings, tree.store),
      );
      for (const kind of ["pptx", "xlsx", "odt", "odp", "ods", "epub", "rtf", "email"])
        expect(markdown).toMatch(new RegExp(`^\\| ${kind} \\| \\d+ \\|`, "m"));
    });

    it("cites slide numbers as pages, and sheets and cell ranges in heading paths", async () => {
      const slides = await tree.store.getChunks(tree.root, "pptx/pythonpptx__txt-font-props.pptx");
      expect(slides.map((c) => c.page)).toEqual([1, 2, 3, 4, 5]);
      const sheet = await tree.store.getChunks(tree.root, "xlsx/calamine__minimal_package.xlsx");
      expect(sheet.length).toBeGreaterThan(10);
      const header = sheet[0]!.text.split("\n")[1]!;
      expect(header).toMatch(/^BKG_NUM \| BKG_DT \|/);
      // Every later block stands alone: it starts with the header row again.
      for (const chunk of sheet.slice(1)) expect(chunk.text.split("\n")[0]).toBe(header);
      for (const chunk of sheet) expect(chunk.headingPath[1]).toMatch(/^[A-Z]+\d+:[A-Z]+\d+$/);
    });

    describe("known-item probes from the text the files' own libraries extract", () => {
      let oracle: Record<string, string | null> = {};
      const havePython = pythonAvailable(
        "the office dataset's oracle (python-pptx, openpyxl, odfpy, EbookLib)",
      );

      beforeAll(async () => {
        if (!havePython) return;
        const python = await pythonVenv("office-oracle", ORACLE_PACKAGES);
        const paths = files.map((f) => join(DATASETS, f.folder, f.name));
        oracle = JSON.parse(
          await runCommand(python, [ORACLE, ...paths], "office-oracle.py"),
        ) as Record<string, string | null>;
      }, PIP_TIMEOUT_MS);

      for (const folder of FOLDERS) {
        it.skipIf(!havePython)(
          `${folder}: at least 90% of probes find their file in the top 10`,
          async () => {
            let probes = 0;
            let found = 0;
            const misses: string[] = [];
            for (const f of files.filter((x) => x.folder === folder)) {
              const words =
                (oracle[join(DATASETS, f.folder, f.name)] ?? "").match(/[\p{L}\p{N}]+/gu) ?? [];
              if (words.length === 0 || NOT_INDEXED[f.name] !== undefined) continue;
              const starts = new Set(
                Array.from({ length: PROBES_PER_FILE }, (_, i) =>
                  Math.floor((i * Math.max(0, words.length - PROBE_WORDS)) / PROBES_PER_FILE),
                ),
              );
              for (const start of starts) {
                const query = words.slice(start, start + PROBE_WORDS).join(" ");
                const hits = await tree.store.search({
                  query,
                  mode: "lexical",
                  limit: 10,
                  onePerDocument: true,
                });
                probes++;
                if (hits.some((h) => h.path === `${f.folder}/${f.name}`)) found++;
                else misses.push(`${f.name}: "${query}"`);
              }
            }
            expect(probes).toBeGreaterThan(0);
            expect(found / probes, `missed:\n${misses.join("\n")}`).toBeGreaterThanOrEqual(0.9);
          },
        );
      }
    });
  },
);
