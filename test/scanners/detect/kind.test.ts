/**
 * File kind and language from the name alone (scanners/detect/kind.ts): what decides which
 * parser a file gets before a byte of it is read.
 */
import { describe, expect, it } from "vitest";
import { kindForName, kindForPath, languageForPath } from "../../../scanners/detect/kind.js";

describe("kindForPath", () => {
  it("names documents by extension, in any case", () => {
    expect(
      ["a/Report.PDF", "letter.docx", "nb/analysis.ipynb", "README.md", "guide.rst", "x.org"].map(
        kindForPath,
      ),
    ).toEqual(["pdf", "docx", "notebook", "markdown", "markdown", "markdown"]);
    expect(["site/index.html", "page.XHTML"].map(kindForPath)).toEqual(["html", "html"]);
  });

  it("names Office, OpenDocument and EPUB files, legacy binary Office files with their family", () => {
    const names = ["deck.pptx", "old.ppt", "m.pptm", "book.xlsx", "old.XLS", "macro.xlsm"];
    expect(names.map(kindForPath)).toEqual(["pptx", "pptx", "pptx", "xlsx", "xlsx", "xlsx"]);
    expect(
      ["memo.doc", "t.dotx", "a.odt", "b.odp", "c.ods", "novel.epub"].map(kindForPath),
    ).toEqual(["docx", "docx", "odt", "odp", "ods", "epub"]);
  });

  it("knows code by extension and by whole names like Makefile and CMakeLists.txt", () => {
    expect(
      ["src/app.ts", "lib/x.py", "Makefile", "docker/Dockerfile", "CMakeLists.txt"].map(
        kindForPath,
      ),
    ).toEqual(["code", "code", "code", "code", "code"]);
    // A whole-name match wins over the extension: CMakeLists.txt is not plain text.
    expect(kindForPath("notes.txt")).toBe("text");
  });

  it("tells data, text and certain binaries apart, and leaves unknown names to the sniffer", () => {
    expect(["config.yaml", "data.jsonl", "logo.svg"].map(kindForPath)).toEqual([
      "data",
      "data",
      "data",
    ]);
    expect(["server.log", "fix.patch"].map(kindForPath)).toEqual(["text", "text"]);
    expect(["icon.GIF", "model.onnx", "lib.so"].map(kindForPath)).toEqual([
      "binary",
      "binary",
      "binary",
    ]);
    // The images OCR reads (scanners/ocr), whatever the case of their extension.
    expect(
      ["photo.JPG", "scan.tiff", "page.tif", "shot.png", "a.jpeg", "b.webp"].map(kindForPath),
    ).toEqual(["image", "image", "image", "image", "image", "image"]);
    // No extension, a dotfile, an unknown extension: text until the content says otherwise.
    expect(["LICENSE", ".bashrc", "file.unknownext", "dir.d/name"].map(kindForPath)).toEqual([
      "text",
      "text",
      "text",
      "text",
    ]);
  });
});

describe("kindForName", () => {
  it("is kindForPath of the last segment", () => {
    for (const name of ["Makefile", "CMakeLists.txt", "a.MD", "x.tar.gz", ".env", "noext", "a."]) {
      expect(kindForName(name), name).toBe(kindForPath(`some/dir.md/${name}`));
    }
  });

  it("finds no kind in names an object inherits", () => {
    expect(["constructor", "toString", "__proto__", "x.constructor"].map(kindForName)).toEqual([
      "text",
      "text",
      "text",
      "text",
    ]);
  });
});

describe("languageForPath", () => {
  it("gives a language for code, by whole name first, and none for other files", () => {
    expect(languageForPath("web/app.TSX")).toBe("typescript");
    expect(languageForPath("Gemfile")).toBe("ruby");
    expect(languageForPath("build/CMakeLists.txt")).toBe("cmake");
    expect(languageForPath("rules.mk")).toBe("make");
    expect(languageForPath("README.md")).toBeUndefined();
    expect(languageForPath(".profile")).toBeUndefined();
  });
});
