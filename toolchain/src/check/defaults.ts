// Default parameter values (docs/language.md, "Default parameters"): `f(a: u32, b: u32 = 4)`.
// A call may leave out trailing parameters that have defaults; the caller then evaluates
// each default itself, at the call, with the earlier parameters bound to the arguments
// (lower/calls.ts). So a default costs nothing in the callee, and a function pointer's
// type has no defaults (a call through one passes every argument). Class members take
// defaults by the same rules; in an instance method's default `this` is the object the
// call is on, and a constructor's default cannot use `this` (the object is not built yet).
import * as ts from 'typescript';
import { Diagnostics } from '../diagnostics';

/**
 * How many leading parameters have no default. A parameter without a default after one
 * with a default is an error: every parameter after the first default needs one.
 */
export function defaultsFrom(decl: ts.FunctionLikeDeclaration, d: Diagnostics): number {
  const first = decl.parameters.findIndex((p) => p.initializer);
  if (first < 0) return decl.parameters.length;
  for (const p of decl.parameters.slice(first)) {
    if (!p.initializer && !p.questionToken) {
      d.error(p, `'${p.name.getText()}' follows a parameter with a default value, so it needs one too; `
        + 'move the parameters with defaults to the end');
    }
  }
  return first;
}

/** The first use, in parameter i's default, of parameter i or a later one. */
export function laterParameter(decl: ts.FunctionLikeDeclaration, i: number,
  symbolOf: (id: ts.Identifier) => ts.Symbol | undefined, params: readonly ts.Symbol[]): ts.Identifier | undefined {
  const later = new Set(params.slice(i));
  let found: ts.Identifier | undefined;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n)) {
      const s = symbolOf(n);
      if (s && later.has(s)) found = n;
    } else n.forEachChild(walk);
  };
  walk(decl.parameters[i].initializer!);
  return found;
}

/** The first `this` or `super` in an expression (a constructor's default cannot use the object). */
export function thisIn(e: ts.Expression): ts.Node | undefined {
  const walk = (n: ts.Node): ts.Node | undefined =>
    n.kind === ts.SyntaxKind.ThisKeyword || n.kind === ts.SyntaxKind.SuperKeyword ? n : n.forEachChild(walk);
  return walk(e);
}
