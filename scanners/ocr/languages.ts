/**
 * Where tesseract's language models come from: one npm package per language,
 * `@tesseract.js-data/<code>`, installed like any dependency, so OCR never downloads anything
 * (tesseract.js would otherwise fetch the model from a CDN). `eng` and `osd` (orientation and
 * script detection) are docindex dependencies; other languages are installed by the user.
 *
 * tesseract.js reads every language from one folder (`langPath`), and each package has its own:
 * with more than one language, a folder of symbolic links to the packages' files is made under
 * the system's temporary folder. (Its `{ code, data }` language objects would avoid that, but
 * tesseract.js 7 passes the data instead of the code to its initialisation, which then fails.)
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Tesseract's codes: `eng`, `chi_sim`, `deu_latf`. */
export const LANGUAGE_CODE = /^[a-z]{3}(?:_[a-z]+)*$/;

/**
 * The model folder in each package: the LSTM models tesseract.js itself uses for its default
 * LSTM engine (`4.0.0` also holds the legacy engine's data, which OSD needs and recognition does not).
 */
const LSTM_FOLDER = "4.0.0_best_int";
const LEGACY_FOLDER = "4.0.0";

export class OcrSetupError extends Error {
  override name = "OcrSetupError";
}

export function languagePackage(code: string): string {
  return `@tesseract.js-data/${code}`;
}

/** A clear error for a code that is not one, or whose package is not installed. */
export function checkLanguages(codes: readonly string[]): void {
  for (const code of codes) modelFile(code, LSTM_FOLDER);
}

export interface LanguageModels {
  /** The folder tesseract.js reads `<code>.traineddata.gz` from. */
  langPath: string;
  /** "eng" or "eng+deu", as tesseract takes it. */
  langs: string;
}

/** The recognition models for `codes`, gzipped as the packages ship them. */
export function recognitionModels(codes: readonly string[]): LanguageModels {
  const files = codes.map((code) => modelFile(code, LSTM_FOLDER));
  const folders = new Set(files.map((file) => dirname(file)));
  const langPath = folders.size === 1 ? [...folders][0]! : linkFolder(codes, files);
  return { langPath, langs: codes.join("+") };
}

/** The orientation and script detection model (legacy engine data). */
export function orientationModel(): LanguageModels {
  return { langPath: dirname(modelFile("osd", LEGACY_FOLDER)), langs: "osd" };
}

function modelFile(code: string, folder: string): string {
  if (!LANGUAGE_CODE.test(code))
    throw new OcrSetupError(
      `ocrLanguages: "${code}" is not a tesseract language code (such as eng, deu, chi_sim)`,
    );
  const name = languagePackage(code);
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    throw new OcrSetupError(
      `ocrLanguages: "${code}" needs the npm package ${name}, which is not installed (npm install ${name})`,
    );
  }
  const file = join(root, folder, `${code}.traineddata.gz`);
  if (!existsSync(file))
    throw new OcrSetupError(`ocrLanguages: ${name} has no ${folder}/${code}.traineddata.gz`);
  return file;
}

/** One folder with a link per model; named by the files it links, so processes share it. */
function linkFolder(codes: readonly string[], files: readonly string[]): string {
  const key = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 16);
  const folder = join(tmpdir(), `docindex-ocr-models-${key}`);
  mkdirSync(folder, { recursive: true });
  codes.forEach((code, i) => {
    const link = join(folder, `${code}.traineddata.gz`);
    if (existsSync(link)) return;
    try {
      symlinkSync(files[i]!, link);
    } catch (error) {
      // Another worker made it in the meantime.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  });
  return folder;
}
