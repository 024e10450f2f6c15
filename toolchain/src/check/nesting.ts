// Deeply nested expressions. A generated table or a long chain of `|` nests one operator
// inside the next many thousands of levels deep; the checker and the lowering recurse over
// expressions, so past DEEP levels they switch to an iterative pass (a post-order walk that
// types or lowers the nodes below first; see ExprChecker.expr and ExprLowerer.value). What
// still exhausts the stack (the parser's own recursion, or an unusual shape) becomes a
// diagnostic at the deepest point, never a crash.
import * as ts from 'typescript';

/** Recursion depth after which the iterative pass takes over. */
export const DEEP = 100;

/**
 * The nodes below `root` in the order a recursive walk would finish them (children in
 * source order, each before its parent), not including root. `children` says which
 * children a node is walked into; the others are left to the node itself.
 */
export function postOrder(root: ts.Node, children: (n: ts.Node) => readonly ts.Node[]): ts.Node[] {
  const out: ts.Node[] = [];
  const stack: ts.Node[] = [...children(root)];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    stack.push(...children(n));
  }
  // `out` holds each node before its children, the last child first; reversed, every
  // node follows its children and the children keep their source order.
  return out.reverse();
}

/** The deepest node under `root` and its depth (iterative: it must not overflow itself). */
export function deepest(root: ts.Node): { node: ts.Node; depth: number } {
  let best = { node: root, depth: 0 };
  const stack: Array<[ts.Node, number]> = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    if (d > best.depth) best = { node: n, depth: d };
    n.forEachChild((c) => { stack.push([c, d + 1]); });
  }
  return best;
}

/** The expression that `n` is part of (the largest one around it), or undefined without n. */
export function outermostExpression(n: ts.Node | undefined): ts.Node | undefined {
  let e = n;
  while (e?.parent && isExpressionPart(e.parent)) e = e.parent;
  return e;
}

function isExpressionPart(n: ts.Node): boolean {
  return ts.isExpression(n) || ts.isTemplateSpan(n) || ts.isSpreadAssignment(n) || ts.isPropertyAssignment(n)
    || ts.isShorthandPropertyAssignment(n);
}

/** The message for an expression too deep to compile, reported at its deepest point. */
export function tooDeepMessage(depth: number): string {
  return `this expression nests ${depth} levels deep, more than the compiler can take; split it, `
    + 'for example into named constants or local variables';
}
