// Slices: `Slice<T>` is a struct of a pointer and a `usize` length (generics.ts makes one
// per element type). Here: `slice(p, n)`, the methods `s.sub(start, end)` and
// `s.entries()`, which an `Arr<T, N>` variable has too (it converts to a Slice over
// itself), and which expressions an Arr converts from.
import * as ts from 'typescript';
import { Type, ERROR, USIZE, ptrTo, typeName, isIntegral } from './types';
import { BuiltinCallChecker } from './builtin-calls';

/** The element type of a slice (or, with `arrays`, of an Arr too); undefined for anything else. */
export function elementOf(t: Type, arrays = false): Type | undefined {
  if (t.kind === 'struct') return t.info.slice;
  return arrays && t.kind === 'array' ? t.elem : undefined;
}

export abstract class SliceChecker extends BuiltinCallChecker {
  /** `slice(p, n)`: the n elements from p on; T comes from p. */
  protected sliceCall(e: ts.CallExpression, typeArg: Type | undefined): Type {
    this.calls.set(e, { kind: 'builtin', name: 'slice' });
    const [p, n] = e.arguments;
    if (e.arguments.length !== 2) {
      this.d.error(e, 'slice(p, n) takes a pointer and a count');
      e.arguments.forEach((a) => this.expr(a, undefined));
      return ERROR;
    }
    const want = typeArg && ptrTo(typeArg);
    const pt = this.expr(p, want);
    if (want) this.assignable(p, pt, want, 'argument');
    else if (pt.kind !== 'ptr' && pt.kind !== 'error') {
      this.d.error(p, `slice(p, n) takes a Ptr<T>, not ${typeName(pt)}`);
      return ERROR;
    }
    this.assignable(n, this.expr(n, USIZE), USIZE, 'argument');
    const elem = typeArg ?? (pt.kind === 'ptr' ? pt.to : ERROR);
    if (elem.kind === 'void') {
      this.d.error(p, 'a Ptr<void> has no element type; cast it first, e.g. slice(cast<u8>(p), n)');
      return ERROR;
    }
    return this.sliceOf(elem);
  }

  /**
   * `s.sub(start, end)` and `s.entries()` on a Slice or an Arr variable; undefined when the
   * call is something else (a function-pointer field may be called `sub`).
   */
  protected sliceMethod(e: ts.CallExpression, callee: ts.PropertyAccessExpression): Type | undefined {
    const name = callee.name.text;
    if (name !== 'sub' && name !== 'entries') return undefined;
    const ot = this.expr(callee.expression, undefined);
    const elem = elementOf(ot, true);
    if (!elem) return undefined;
    if (ot.kind === 'array' && !this.isPlace(callee.expression)) {
      this.d.error(callee.expression, `${name}() needs an Arr variable, field or element: the slice points into it`);
      return ERROR;
    }
    if (callee.questionDotToken || e.questionDotToken) {
      this.d.error(e, `a ${typeName(ot)} is never null; write \`.${name}(...)\``);
    }
    if (name === 'entries') {
      this.d.error(e, '.entries() is only for `for (const [i, x] of s.entries())`; index the slice instead');
      return ERROR;
    }
    this.calls.set(e, { kind: 'builtin', name: 'slice.sub' });
    if (e.arguments.length !== 2) {
      this.d.error(e, 'sub(start, end) takes the first index and the index after the last');
      e.arguments.forEach((a) => this.expr(a, undefined));
      return ERROR;
    }
    for (const a of e.arguments) {
      const t = this.expr(a, USIZE);
      if (t.kind === 'untyped' || t.kind === 'error') this.assignable(a, t, USIZE, 'argument');
      else if (!isIntegral(t) || (t.kind === 'int' && t.signed)) {
        this.d.error(a, `a slice bound is an unsigned integer, not ${typeName(t)}; convert with usize(x)`);
      }
    }
    return this.sliceOf(elem);
  }

  /** An Arr converts to a Slice over itself only where it is stored: a temporary would vanish. */
  protected arrayToSlice(e: ts.Expression): boolean {
    if (this.isPlace(e)) return true;
    this.d.error(e, 'only an Arr variable, field or element converts to a Slice (the slice points into it); '
      + 'store the array in a variable first');
    return false;
  }
}
