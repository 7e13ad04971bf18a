/**
 * A small, tolerant HTML tokenizer: start tags (with attributes), end tags and text. It is
 * not an HTML5 parser: there is no tree construction, no implied end tags and no foreign
 * content rules. What it does get right is what text extraction needs: quoted attribute values
 * may contain ">", the contents of script/style/textarea/title and similar elements are raw
 * text up to their end tag, comments, doctypes, CDATA and processing instructions are dropped,
 * and a stray "<" is text. A tag cut off by the end of the input is dropped, as browsers do.
 */

export type HtmlToken =
  | { type: "text"; text: string }
  | { type: "start"; name: string; attrs: Map<string, string>; selfClosing: boolean }
  | { type: "end"; name: string }
  /** Contents of a raw-text element such as script, style or title, entities not yet decoded. */
  | { type: "raw"; name: string; text: string };

const RAW_TEXT = new Set(
  "script style textarea title xmp iframe noembed noframes noscript plaintext".split(" "),
);

export function* tokenizeHtml(html: string): Generator<HtmlToken> {
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt === -1) {
      yield { type: "text", text: html.slice(i) };
      return;
    }
    if (lt > i) yield { type: "text", text: html.slice(i, lt) };
    i = lt;
    const next = html[i + 1] ?? "";
    if (html.startsWith("<!--", i)) {
      const close = html.indexOf("-->", i + 4);
      i = close === -1 ? n : close + 3;
    } else if (next === "!" || next === "?") {
      const close = html.startsWith("<![CDATA[", i) ? html.indexOf("]]>", i) : html.indexOf(">", i);
      i = close === -1 ? n : close + (html[close] === "]" ? 3 : 1);
    } else if (next === "/") {
      const match =
        /^<\/([A-Za-z][^\s/>]*)[^>]*>/.exec(html.slice(i, i + 512)) ?? endTagFallback(html, i);
      if (match === undefined) {
        // "</" not followed by a name: a bogus comment up to the next ">".
        const close = html.indexOf(">", i);
        i = close === -1 ? n : close + 1;
      } else {
        yield { type: "end", name: match[1]!.toLowerCase() };
        i += match[0].length;
      }
    } else if (/[A-Za-z]/.test(next)) {
      const tag = readStartTag(html, i);
      if (tag === undefined) return;
      i = tag.end;
      yield { type: "start", name: tag.name, attrs: tag.attrs, selfClosing: tag.selfClosing };
      if (RAW_TEXT.has(tag.name) && !tag.selfClosing) {
        const close = tag.name === "plaintext" ? -1 : findEndTag(html, i, tag.name);
        yield { type: "raw", name: tag.name, text: html.slice(i, close === -1 ? n : close) };
        if (close === -1) return;
        i = close;
      }
    } else {
      yield { type: "text", text: "<" };
      i++;
    }
  }
}

/** An end tag longer than the quick look-ahead window (e.g. with junk attributes). */
function endTagFallback(html: string, i: number): RegExpExecArray | undefined {
  const close = html.indexOf(">", i);
  if (close === -1) return undefined;
  return /^<\/([A-Za-z][^\s/>]*)[^>]*>/.exec(html.slice(i, close + 1)) ?? undefined;
}

function findEndTag(html: string, from: number, name: string): number {
  const pattern = new RegExp(`</${name}[\\s/>]`, "ig");
  pattern.lastIndex = from;
  const match = pattern.exec(html);
  return match === null ? -1 : match.index;
}

interface StartTag {
  name: string;
  attrs: Map<string, string>;
  selfClosing: boolean;
  end: number;
}

function readStartTag(html: string, lt: number): StartTag | undefined {
  const n = html.length;
  let i = lt + 1;
  const nameStart = i;
  while (i < n && !/[\s/>]/.test(html[i]!)) i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attrs = new Map<string, string>();
  let selfClosing = false;
  while (i < n) {
    const c = html[i]!;
    if (c === ">") return { name, attrs, selfClosing, end: i + 1 };
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/") {
      selfClosing = html[i + 1] === ">";
      i++;
      continue;
    }
    const attrStart = i;
    while (i < n && !/[\s/>=]/.test(html[i]!)) i++;
    if (i === attrStart) i++; // a lone "=" where a name should be: skip it
    const attrName = html.slice(attrStart, i).toLowerCase();
    while (i < n && /\s/.test(html[i]!)) i++;
    let value = "";
    if (html[i] === "=") {
      i++;
      while (i < n && /\s/.test(html[i]!)) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close === -1) return undefined;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < n && !/[\s>]/.test(html[i]!)) i++;
        value = html.slice(valueStart, i);
      }
    }
    if (attrName !== "" && !attrs.has(attrName)) attrs.set(attrName, value);
    selfClosing = false;
  }
  return undefined;
}
