import { describe, expect, it } from "vitest";
import { parseNotebook } from "../../../scanners/parsers/notebook.js";
import { expectIndexed, sectionText } from "./helpers.js";

const NOTEBOOK = {
  nbformat: 4,
  metadata: { kernelspec: { language: "python", name: "python3" } },
  cells: [
    { cell_type: "markdown", source: ["# Analysis\n", "\n", "Loading data.\n"] },
    {
      cell_type: "code",
      source: "import pandas as pd\ndf = pd.read_csv('x.csv')",
      outputs: [{ output_type: "stream", text: ["OUTPUT TEXT"] }],
    },
    { cell_type: "markdown", source: "## Plots\n```python\n# not a heading\n```" },
    {
      cell_type: "code",
      source: ["df.plot()"],
      outputs: [{ data: { "text/plain": ["PLAIN OUTPUT"] } }],
    },
    { cell_type: "code", source: [] },
    { cell_type: "raw", source: "raw text" },
  ],
};

describe("parseNotebook", () => {
  const doc = expectIndexed(parseNotebook(JSON.stringify(NOTEBOOK)));

  it("joins cell sources and drops outputs", () => {
    expect(doc.text).toBe(
      "# Analysis\n\nLoading data.\n\nimport pandas as pd\ndf = pd.read_csv('x.csv')\n\n## Plots\n```python\n# not a heading\n```\n\ndf.plot()\n\nraw text",
    );
    expect(doc.text).not.toContain("OUTPUT");
    expect(doc.language).toBe("python");
    expect(doc.title).toBe("Analysis");
    expect(doc.metadata).toMatchObject({ cells: 5, codeCells: 2 });
  });

  it("gives every cell a section under the latest markdown heading", () => {
    expect(doc.sections.map((s) => [s.headingPath, s.level])).toEqual([
      [["Analysis"], 1],
      [["Analysis"], 0],
      [["Analysis", "Plots"], 2],
      [["Analysis", "Plots"], 0],
      [["Analysis", "Plots"], 0],
    ]);
    expect(sectionText(doc, 1)).toBe("import pandas as pd\ndf = pd.read_csv('x.csv')");
    expect(sectionText(doc, 3)).toBe("df.plot()");
  });

  it("reads nbformat 3 worksheets", () => {
    const v3 = { nbformat: 3, worksheets: [{ cells: [{ cell_type: "code", input: ["x = 1"] }] }] };
    expect(expectIndexed(parseNotebook(JSON.stringify(v3))).text).toBe("x = 1");
  });

  it("reports broken and empty notebooks", () => {
    expect(parseNotebook("{not json")).toMatchObject({ ok: false, status: "failed" });
    expect(parseNotebook("{not json")).toHaveProperty(
      "reason",
      expect.stringMatching(/^corrupt: /),
    );
    expect(parseNotebook('{"foo": 1}')).toEqual({
      ok: false,
      status: "failed",
      reason: "corrupt: not a Jupyter notebook (no cells)",
    });
    expect(parseNotebook('{"cells": []}')).toEqual({
      ok: false,
      status: "skipped",
      reason: "no extractable text",
    });
  });
});
