// Nullish values (docs/language.md, "Nullish values"): `a ?? b` where a is a pointer or an
// optional chain, `p ??= q` on a pointer place, and `T | null` as a type for a pointer
// type T (the same type as T: every pointer may be null), so that code also checks under
// tsc's strictNullChecks.
import * as ts from 'typescript';
import { Type, ERROR, isPointerLike, typeName } from './types';
import { endsOptionalChain } from './chains';
import { LocalChecker } from './locals';

/** The expression inside any parentheses. */
export function unparen(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Whether `a ?? b` takes b when a's optional chain short-circuits (rather than when a is null). */
export function nullishChain(a: ts.Expression): boolean { return endsOptionalChain(unparen(a)); }

/** `T | null` (either order): the other member, or undefined when the union is not that. */
export function nullableMember(u: ts.UnionTypeNode): ts.TypeNode | undefined {
  const isNull = (t: ts.TypeNode) => ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword;
  if (u.types.length !== 2) return undefined;
  const [a, b] = u.types;
  return isNull(b) && !isNull(a) ? a : isNull(a) && !isNull(b) ? b : undefined;
}

export abstract class NullishChecker extends LocalChecker {
  /** `a ?? b` and `a ??= b`. */
  protected nullish(e: ts.BinaryExpression): Type {
    const assign = e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken;
    const at = this.expr(e.left, undefined);
    const chain = !assign && nullishChain(e.left);
    if (at.kind === 'error') { this.expr(e.right, undefined); return ERROR; }
    if (assign && !this.checkAssignTarget(e.left)) { this.expr(e.right, undefined); return ERROR; }
    if (!isPointerLike(at) && !chain || at.kind === 'null') {
      const op = assign ? '??=' : '??';
      const what = at.kind === 'null' ? 'null itself' : `${typeName(at)}, which is never null`;
      this.d.error(e.left, `'${op}' tests a pointer or an optional chain (\`p?.f\`) for null, and `
        + `'${e.left.getText()}' is ${what}; ${assign ? 'assign with `=`' : 'use the value without `??`'}`);
      this.expr(e.right, undefined);
      return ERROR;
    }
    if (at.kind === 'void' || at.kind === 'never') {
      this.d.error(e.left, `'${e.left.getText()}' has no value for \`??\` to test; it is a call without a result`);
      this.expr(e.right, undefined);
      return ERROR;
    }
    const bt = this.expr(e.right, at);
    this.assignable(e.right, bt, at, 'value after `??`');
    return at;
  }

  /** `Ptr<T> | null`: the pointer type itself. Other unions stay rejected. */
  protected nullableType(u: ts.UnionTypeNode): Type | undefined {
    const inner = nullableMember(u);
    if (!inner) return undefined;
    const t = this.resolveType(inner);
    if (isPointerLike(t) || t.kind === 'error') return t;
    this.d.error(u, `only a pointer type may be \`| null\`, and ${typeName(t)} is never null; write ${typeName(t)}`);
    return ERROR;
  }
}
