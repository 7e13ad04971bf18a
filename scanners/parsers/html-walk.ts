/**
 * Depth-first walk over a parsed HTML tree, in document order, with an explicit stack: a page
 * nested a hundred thousand elements deep must not overflow the call stack of a parser worker.
 * Template contents are never visited (they live outside the tree, as in a browser's DOM).
 */
import type { LeanElement, LeanNode, LeanParent } from "./html-tree.js";

export interface HtmlVisitor {
  /** Called before an element's children; false skips them (and the matching leave). */
  enter(element: LeanElement): boolean;
  leave(element: LeanElement): void;
  text(value: string): void;
}

interface Frame {
  parent: LeanParent;
  next: number;
}

export function walkHtml(root: LeanParent, visitor: HtmlVisitor): void {
  const stack: Frame[] = [{ parent: root, next: 0 }];
  for (;;) {
    const frame = stack[stack.length - 1];
    if (frame === undefined) return;
    const child: LeanNode | undefined = frame.parent.childNodes[frame.next++];
    if (child === undefined) {
      stack.pop();
      if (stack.length > 0 && isElement(frame.parent)) visitor.leave(frame.parent);
      continue;
    }
    if (child.nodeName === "#text") visitor.text((child as { value: string }).value);
    else if (isElement(child) && visitor.enter(child)) stack.push({ parent: child, next: 0 });
  }
}

function isElement(node: LeanNode): node is LeanElement {
  return "tagName" in node;
}
