// Compile-time facts about string literals (docs/language.md, "Strings"): `"lit".length`
// is the byte length of the literal's UTF-8 encoding (what the program stores), and
// `"A".charCodeAt(i)` is the UTF-16 code unit at i, as in JavaScript (65 for "A"). Both
// are untyped constants: they take the type of their context, like a numeric literal.
import * as ts from 'typescript';

/** The string literal an expression is, inside any parentheses. */
export function stringLiteral(e: ts.Expression): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | undefined {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e : undefined;
}

/** The number of bytes of a literal's text in UTF-8 (without the terminating NUL). */
export function utf8Length(text: string): number { return Buffer.byteLength(text, 'utf8'); }

/** `"lit".charCodeAt(i)`: the literal when a call has that form. */
export function charCodeCall(e: ts.CallExpression): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | undefined {
  const callee = e.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'charCodeAt'
    ? stringLiteral(callee.expression) : undefined;
}
