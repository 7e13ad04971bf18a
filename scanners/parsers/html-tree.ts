/**
 * HTML to a document tree by the HTML5 tree construction rules (parse5): implied end tags,
 * misnested formatting, foster-parented table content, entities decoded in text and
 * attributes, exactly as a browser builds its DOM.
 *
 * The tree is parse5's default one, slimmed for text extraction, because a page's tree takes
 * several times its size in memory and a parser worker has a heap limit: comments are not
 * kept, the text of script and style elements is dropped as it arrives, and elements keep
 * only the attributes that text extraction reads. None of this changes how the parser builds
 * the tree: it never reads back comments or raw text, and the attributes it compares (Noah's
 * Ark clause) come from its tokens, not from the tree, except MathML's `encoding`, kept here.
 */
import { defaultTreeAdapter, parse, type DefaultTreeAdapterTypes, type TreeAdapter } from "parse5";
import { RAW_TEXT_NEVER_RENDERED } from "./html-visibility.js";

export type LeanDocument = DefaultTreeAdapterTypes.Document;
export type LeanElement = DefaultTreeAdapterTypes.Element;
export type LeanNode = DefaultTreeAdapterTypes.Node;
export type LeanParent = DefaultTreeAdapterTypes.ParentNode;

/** Attributes read by html-visibility.ts, html.ts and the parser itself (`encoding`). */
const KEPT_ATTRIBUTES = new Set([
  "hidden",
  "aria-hidden",
  "style",
  "lang",
  "name",
  "content",
  "start",
  "encoding",
]);

const leanTreeAdapter: TreeAdapter<DefaultTreeAdapterTypes.DefaultTreeAdapterMap> = {
  ...defaultTreeAdapter,
  createElement(tagName, namespaceURI, attrs) {
    const kept = attrs.filter((attr) => KEPT_ATTRIBUTES.has(attr.name));
    return defaultTreeAdapter.createElement(tagName, namespaceURI, kept);
  },
  appendChild(parent, node) {
    if (node.nodeName !== "#comment") defaultTreeAdapter.appendChild(parent, node);
  },
  insertText(parent, text) {
    if ("tagName" in parent && RAW_TEXT_NEVER_RENDERED.has(parent.tagName)) return;
    defaultTreeAdapter.insertText(parent, text);
  },
};

export function parseHtmlTree(html: string): LeanDocument {
  return parse(html, { treeAdapter: leanTreeAdapter });
}
