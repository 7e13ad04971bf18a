/**
 * XHTML files (`.xhtml`, EPUB chapters, XML exports) are written in XML syntax, where `<title/>`
 * or `<script src="x"/>` is an empty element. The HTML parser ignores the slash, so such a
 * title or script would swallow the rest of the document as its text. For a document that says
 * it is XML, self-closed tags of elements that are not void in HTML are written out as start
 * and end tag before parsing.
 */

/** Elements HTML itself knows to be empty: `<br/>` is already right. */
const VOID = new Set(
  "area base basefont bgsound br col embed frame hr img input keygen link meta param source track wbr".split(
    " ",
  ),
);

/** An XML declaration, or the XHTML namespace on the root element, near the start. */
const XML_SIGNS =
  /^\s*<\?xml\s|<html\s[^>]*xmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/i;

/** A self-closed tag: name, then attributes (quoted values may hold ">" or "/"). */
const SELF_CLOSED =
  /<([A-Za-z][\w:.-]*)((?:\s+[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/>/g;

export function looksLikeXhtml(source: string): boolean {
  return XML_SIGNS.test(source.slice(0, 2048));
}

export function expandSelfClosedTags(source: string): string {
  return source.replace(SELF_CLOSED, (tag, name: string, attributes: string) =>
    VOID.has(name.toLowerCase()) ? tag : `<${name}${attributes}></${name}>`,
  );
}
