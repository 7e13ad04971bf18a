/**
 * One page image to text: recognise it as it stands; when the result is poor, ask tesseract's
 * orientation detection (OSD) how the page is turned and recognise it turned upright, keeping
 * whichever reading is more confident. Upright pages, by far the most, cost one recognition.
 * When OSD finds too little text to judge, the three other turns are tried instead.
 */
import { orientationDetector, recognizer, type Timed } from "./engine.js";
import { isPng, pngTurned, rotationOf, type Rotation } from "./orientation.js";

/** A first reading at or above this confidence is taken as upright without asking OSD. */
const CHECK_ORIENTATION_BELOW = 80;
/** A turned reading must beat the upright one by this much: turning noise does not help. */
const TURN_MARGIN = 10;

export interface OcrReading {
  text: string;
  /** tesseract's mean word confidence, 0-100. */
  confidence: number;
  /** How far the page was turned clockwise before it was read. */
  rotation: Rotation;
}

export type OcrPageResult =
  { ok: true; reading: OcrReading } | { ok: false; timedOut: boolean; reason: string };

export interface OcrPageRequest {
  image: Uint8Array;
  languages: readonly string[];
  /** When the page's time is up (Date.now() clock). */
  deadline: number;
}

export async function ocrPage(request: OcrPageRequest): Promise<OcrPageResult> {
  const { image, languages, deadline } = request;
  const session = recognizer(languages);
  const read = async (bytes: Uint8Array): Promise<Timed<OcrReading>> =>
    session.run(async (worker) => {
      const { data } = await worker.recognize(Buffer.from(bytes));
      return { text: data.text, confidence: data.confidence, rotation: 0 as Rotation };
    }, deadline - Date.now());

  const upright = await read(image);
  if (!upright.ok) return failure(upright);
  let best: OcrReading = upright.value;
  if (best.confidence >= CHECK_ORIENTATION_BELOW) return { ok: true, reading: best };
  // Nothing at all, not even misread marks: a blank page, which no turn would make legible
  // (the dataset's blank scans cost four readings each before this).
  if (!/[\p{L}\p{N}]/u.test(best.text)) return { ok: true, reading: best };

  const png = isPng(image) ? image : await asPng(image, languages, deadline);
  if (png === undefined) return { ok: true, reading: best };
  for (const rotation of await turnsToTry(png, deadline)) {
    const turned = await read(pngTurned(png, rotation));
    if (!turned.ok) {
      // Out of time for the other turns: the upright reading stands.
      if (turned.timedOut) break;
      continue;
    }
    if (turned.value.confidence >= best.confidence + TURN_MARGIN)
      best = { ...turned.value, rotation };
  }
  return { ok: true, reading: best };
}

/** OSD's answer, or every other turn when it cannot tell. */
async function turnsToTry(png: Uint8Array, deadline: number): Promise<Exclude<Rotation, 0>[]> {
  const detected = await orientationDetector().run(async (worker) => {
    const { data } = await worker.detect(Buffer.from(png));
    return rotationOf(data.orientation_degrees);
  }, deadline - Date.now());
  if (detected.ok) return detected.value === 0 ? [] : [detected.value];
  return detected.timedOut ? [] : [90, 270, 180];
}

/**
 * The image as Leptonica decoded it, as a PNG (tesseract.js's `imageColor` output), for formats
 * an EXIF chunk cannot be added to as simply (TIFF, JPEG, WebP, BMP).
 */
async function asPng(
  image: Uint8Array,
  languages: readonly string[],
  deadline: number,
): Promise<Uint8Array | undefined> {
  const result = await recognizer(languages).run(async (worker) => {
    const { data } = await worker.recognize(
      Buffer.from(image),
      {},
      {
        text: false,
        imageColor: true,
      },
    );
    return data.imageColor;
  }, deadline - Date.now());
  if (!result.ok || typeof result.value !== "string") return undefined;
  const base64 = result.value.slice(result.value.indexOf(",") + 1);
  return Buffer.from(base64, "base64");
}

function failure(result: Extract<Timed<unknown>, { ok: false }>): OcrPageResult {
  if (result.timedOut) return { ok: false, timedOut: true, reason: "timed out" };
  return { ok: false, timedOut: false, reason: result.error };
}
