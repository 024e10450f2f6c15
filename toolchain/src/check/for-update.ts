// The comma operator, allowed only in a `for` update (`i++, j--`): there each part is an
// expression statement of its own, evaluated left to right; its value is never used.
import * as ts from 'typescript';

/** The parts of a for-loop update, in order (one part when it has no comma). */
export function updateParts(e: ts.Expression): ts.Expression[] {
  const parts: ts.Expression[] = [];
  let x = e;
  while (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.CommaToken) {
    parts.push(x.right);
    x = x.left;
  }
  parts.push(x);
  return parts.reverse();
}
