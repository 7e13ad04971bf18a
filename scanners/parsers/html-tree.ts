/**
 * HTML to a document tree by the HTML5 tree construction rules (parse5): implied end tags,
 * misnested formatting, foster-parented table content, entities decoded in text and
 * attributes, exactly as a browser builds its DOM.
 *
 * The tree is our own, built through parse5's tree adapter interface, because parse5's default
 * tree costs some 200 bytes a node (every element holds a child array) and a 50 MB page has
 * millions of nodes, more than a parser worker's heap. Here children are linked lists, and the
 * tree keeps only what text extraction reads: comments and doctypes are not kept, the text of
 * script and style elements is dropped as it arrives, elements keep only the attributes read
 * later. None of this changes the tree parse5 builds: it never reads back comments or raw
 * text, and the attributes it compares (Noah's Ark clause) come from its tokens, not from the
 * tree, except MathML's `encoding`, which is kept.
 */
import { html, parse, type Token, type TreeAdapter, type TreeAdapterTypeMap } from "parse5";
import { RAW_TEXT_NEVER_RENDERED } from "./html-visibility.js";

type Attribute = Token.Attribute;

export class LeanText {
  parent: LeanParent | null = null;
  prev: LeanChild | null = null;
  next: LeanChild | null = null;
  constructor(public value: string) {}
}

abstract class LeanContainer {
  first: LeanChild | null = null;
  last: LeanChild | null = null;
}

export class LeanElement extends LeanContainer {
  parent: LeanParent | null = null;
  prev: LeanChild | null = null;
  next: LeanChild | null = null;
  /** A template's contents, outside the tree as in a browser's DOM. */
  content: LeanFragment | null = null;
  constructor(
    readonly tagName: string,
    readonly namespaceURI: html.NS,
    public attrs: readonly Attribute[],
  ) {
    super();
  }
}

export class LeanFragment extends LeanContainer {}

export class LeanDocument extends LeanContainer {
  mode: html.DOCUMENT_MODE = html.DOCUMENT_MODE.NO_QUIRKS;
}

/** What parse5 hands over for comments and doctypes; never attached. */
class Discarded {}

export type LeanParent = LeanDocument | LeanFragment | LeanElement;
export type LeanChild = LeanElement | LeanText;
type LeanNode = LeanParent | LeanText | Discarded;

type LeanTypes = TreeAdapterTypeMap<
  LeanNode,
  LeanParent,
  LeanChild,
  LeanDocument,
  LeanFragment,
  LeanElement,
  Discarded,
  LeanText,
  LeanElement,
  Discarded
>;

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
const NO_ATTRIBUTES: readonly Attribute[] = Object.freeze([]);
const DISCARDED = new Discarded();

function attach(parent: LeanParent, node: LeanChild, before: LeanChild | null): void {
  node.parent = parent;
  node.next = before;
  node.prev = before === null ? parent.last : before.prev;
  if (node.prev === null) parent.first = node;
  else node.prev.next = node;
  if (before === null) parent.last = node;
  else before.prev = node;
}

function detach(node: LeanChild): void {
  const parent = node.parent;
  if (parent === null) return;
  if (node.prev === null) parent.first = node.next;
  else node.prev.next = node.next;
  if (node.next === null) parent.last = node.prev;
  else node.next.prev = node.prev;
  node.parent = node.prev = node.next = null;
}

function children(parent: LeanParent): LeanChild[] {
  const list: LeanChild[] = [];
  for (let child = parent.first; child !== null; child = child.next) list.push(child);
  return list;
}

/** Adjacent text merges into one node, as in the DOM parse5 would build. */
function addText(parent: LeanParent, text: string, before: LeanChild | null): void {
  if (parent instanceof LeanElement && RAW_TEXT_NEVER_RENDERED.has(parent.tagName)) return;
  const previous = before === null ? parent.last : before.prev;
  if (previous instanceof LeanText) previous.value += text;
  else attach(parent, new LeanText(text), before);
}

const isChild = (node: LeanNode): node is LeanChild =>
  node instanceof LeanElement || node instanceof LeanText;

const leanTreeAdapter: TreeAdapter<LeanTypes> = {
  createDocument: () => new LeanDocument(),
  createDocumentFragment: () => new LeanFragment(),
  createElement(tagName, namespaceURI, attrs) {
    const kept = attrs.filter((attr) => KEPT_ATTRIBUTES.has(attr.name));
    return new LeanElement(tagName, namespaceURI, kept.length === 0 ? NO_ATTRIBUTES : kept);
  },
  createCommentNode: () => DISCARDED,
  createTextNode: (value) => new LeanText(value),
  appendChild(parent, node) {
    if (isChild(node)) attach(parent, node, null);
  },
  insertBefore(parent, node, reference) {
    if (isChild(node)) attach(parent, node, reference);
  },
  setTemplateContent(template, content) {
    template.content = content;
  },
  getTemplateContent: (template) => template.content ?? new LeanFragment(),
  setDocumentType: () => undefined,
  setDocumentMode(document, mode) {
    document.mode = mode;
  },
  getDocumentMode: (document) => document.mode,
  detachNode(node) {
    if (isChild(node)) detach(node);
  },
  insertText: (parent, text) => addText(parent, text, null),
  insertTextBefore: (parent, text, reference) => addText(parent, text, reference),
  // A second <html> or <body> tag adds the attributes the element does not have yet.
  adoptAttributes(recipient, attrs) {
    const added = attrs.filter(
      (attr) =>
        KEPT_ATTRIBUTES.has(attr.name) && !recipient.attrs.some((own) => own.name === attr.name),
    );
    if (added.length > 0) recipient.attrs = [...recipient.attrs, ...added];
  },
  getFirstChild: (node) => node.first,
  getChildNodes: children,
  getParentNode: (node) => (isChild(node) ? node.parent : null),
  getAttrList: (element) => [...element.attrs],
  getTagName: (element) => element.tagName,
  getNamespaceURI: (element) => element.namespaceURI,
  getTextNodeContent: (text) => text.value,
  getCommentNodeContent: () => "",
  getDocumentTypeNodeName: () => "",
  getDocumentTypeNodePublicId: () => "",
  getDocumentTypeNodeSystemId: () => "",
  isTextNode: (node): node is LeanText => node instanceof LeanText,
  isCommentNode: (node): node is Discarded => node === DISCARDED,
  isDocumentTypeNode: (_node): _node is Discarded => false,
  isElementNode: (node): node is LeanElement => node instanceof LeanElement,
  // Source locations are not asked for (html.ts does not map text back to source lines).
  setNodeSourceCodeLocation: () => undefined,
  getNodeSourceCodeLocation: () => undefined,
  updateNodeSourceCodeLocation: () => undefined,
};

export function parseHtmlTree(source: string): LeanDocument {
  return parse(source, { treeAdapter: leanTreeAdapter });
}
