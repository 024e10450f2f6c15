// `for…of` over an Arr<T, N> or a Slice<T>: each element by value, in a local declared by
// the loop (`const` or `let`; assigning a `let` one changes the copy only), and
// `for (const [i, x] of s.entries())` with the index as a usize. Nothing else is iterable.
import * as ts from 'typescript';
import { Type, ERROR, USIZE, typeName } from './types';
import { elementOf } from './slices';
import { NestedChecker } from './nested';

/** `s.entries()` as the iterated expression: s; undefined for anything else. */
export function entriesOf(e: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(e) || e.arguments.length || !ts.isPropertyAccessExpression(e.expression)) return undefined;
  return e.expression.name.text === 'entries' ? e.expression.expression : undefined;
}

export abstract class IterationChecker extends NestedChecker {
  protected forOf(s: ts.ForOfStatement): void {
    if (s.awaitModifier) this.d.error(s.awaitModifier, '`for await` is not supported: there is no async code');
    const list = s.initializer;
    const source = entriesOf(s.expression) ?? s.expression;
    const t = this.expr(source, undefined);
    const elem = elementOf(t, true);
    if (!elem && t.kind !== 'error') {
      this.d.error(s.expression, `for…of iterates an Arr<T, N> or a Slice<T>, not ${typeName(t)}; `
        + 'use an index loop');
    }
    if (t.kind === 'array' && !this.isPlace(source)) {
      this.d.error(source, 'for…of over an Arr needs a variable, field or element; store the array first');
    }
    this.scoped(() => {
      if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) {
        this.d.error(list, 'for…of declares one loop variable: `for (const x of a)`');
      } else {
        const isConst = !!(list.flags & ts.NodeFlags.Const);
        if (!isConst && !(list.flags & ts.NodeFlags.Let)) this.d.error(list, 'use `const` or `let` in for…of');
        this.loopVariables(list.declarations[0], s.expression !== source, elem ?? ERROR);
      }
      this.loop(() => this.stmt(s.statement));
    });
  }

  /** Declares `x` (or `[i, x]` with entries()) for the loop body. */
  private loopVariables(d: ts.VariableDeclaration, entries: boolean, elem: Type): void {
    if (d.type) this.d.error(d.type, 'the loop variable takes the element type; remove the annotation');
    if (!entries) {
      if (!ts.isIdentifier(d.name)) {
        this.d.error(d.name, 'for…of binds one name: `for (const x of a)`; for the index, iterate `a.entries()`');
        return;
      }
      this.declareLoopLocal(d.name, d, elem);
      return;
    }
    const names = ts.isArrayBindingPattern(d.name) ? d.name.elements : undefined;
    const [i, x] = names ?? [];
    if (!names || names.length !== 2 || !ts.isBindingElement(i) || !ts.isBindingElement(x)
      || !ts.isIdentifier(i.name) || !ts.isIdentifier(x.name) || i.initializer || x.initializer || i.dotDotDotToken
      || x.dotDotDotToken) {
      this.d.error(d.name, 'entries() gives an index and an element: `for (const [i, x] of s.entries())`');
      return;
    }
    this.declareLoopLocal(i.name, i, USIZE);
    this.declareLoopLocal(x.name, x, elem);
  }

  private declareLoopLocal(name: ts.Identifier, decl: ts.Node, type: Type): void {
    const sym = this.tc.getSymbolAtLocation(name);
    if (!sym || !this.declare(this.scopes[this.scopes.length - 1], name)) return;
    this.entities.set(sym, { kind: 'local', name: name.text, type, decl });
  }
}
