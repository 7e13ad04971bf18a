/**
 * Depth-first walk over a parsed HTML tree, in document order, without recursion (a page
 * nested a hundred thousand elements deep must not overflow a parser worker's call stack):
 * the tree's sibling and parent links say where to go next. Template contents are never
 * visited: they live outside the tree, as in a browser's DOM.
 */
import { LeanElement, type LeanChild, type LeanParent } from "./html-tree.js";

export interface HtmlVisitor {
  /** Called before an element's children; false skips them (and the matching leave). */
  enter(element: LeanElement): boolean;
  leave(element: LeanElement): void;
  text(value: string): void;
}

export function walkHtml(root: LeanParent, visitor: HtmlVisitor): void {
  let node: LeanChild | null = root.first;
  while (node !== null) {
    if (!(node instanceof LeanElement)) visitor.text(node.value);
    else if (visitor.enter(node)) {
      if (node.first !== null) {
        node = node.first;
        continue;
      }
      visitor.leave(node);
    }
    // Climb to the next sibling, leaving each element whose last child is done.
    let done: LeanChild = node;
    while (done.next === null) {
      const parent: LeanParent | null = done.parent;
      if (parent === root || !(parent instanceof LeanElement)) return;
      visitor.leave(parent);
      done = parent;
    }
    node = done.next;
  }
}
