// Conversions between types: what converts implicitly (lossless widening, null to
// pointers, any pointer to Ptr<void>), the common type of two operands, and the hint that
// names the explicit conversion when a value does not fit where it is used.
import * as ts from 'typescript';
import { Type, IntType, U8, U16, U32, UNTYPED, isIntegral, sameType, widens, typeName, asInt } from './types';
import { ConstFolder } from './consts';

/** usize and isize are u64 and i64 with a name of their own, kept when both sides agree. */
function isSize(t: IntType): boolean { return t.name === 'usize' || t.name === 'isize'; }

export abstract class Conversions extends ConstFolder {
  /** Whether an Arr expression may convert to a Slice (slices.ts). */
  protected abstract arrayToSlice(e: ts.Expression): boolean;

  /** Checks that a value of type `from` (expression e) may be used where `to` is expected. */
  assignable(e: ts.Expression, from: Type, to: Type, what = 'value'): boolean {
    if (from.kind === 'error' || to.kind === 'error') return true;
    if (this.implicitly(from, to)) {
      if (from.kind === 'untyped') this.settle(e, to);
      return from.kind === 'array' && to.kind === 'struct' ? this.arrayToSlice(e) : true;
    }
    const hint = this.conversionHint(from, to);
    const value = what === 'value' ? 'a value' : 'the ' + what;
    this.d.error(e, `cannot use ${value} of type ${typeName(from)} as ${typeName(to)}${hint}`);
    return false;
  }

  /**
   * Reports an untyped expression that is not a constant (`1 << n`, `c ? 1 : 2`) where
   * nothing gives it a type: no typed operand and no context. The example converts its
   * first literal to `suggest`.
   */
  protected noType(e: ts.Expression, why = 'its literals take the type of the other operand or of where the value '
    + 'goes, and here there is neither', suggest = 'u32'): void {
    let lit: ts.Node | undefined;
    const find = (n: ts.Node): void => {
      if (lit) return;
      if (ts.isNumericLiteral(n)) {
        const neg = ts.isPrefixUnaryExpression(n.parent) && n.parent.operator === ts.SyntaxKind.MinusToken;
        lit = neg ? n.parent : n;
      } else n.forEachChild(find);
    };
    find(e);
    const example = `${suggest}(${lit ? lit.getText() : '1'})`;
    this.d.error(e, `this expression has no type: ${why}; give one of its literals a type, e.g. ${example}`);
  }

  implicitly(from: Type, to: Type): boolean {
    if (sameType(from, to)) return true;
    if (from.kind === 'never') return true;
    if (from.kind === 'untyped') return isIntegral(to) && to.kind !== 'untyped';
    if (from.kind === 'int' && to.kind === 'int') return widens(from, to);
    if (from.kind === 'enum' && to.kind === 'int') return widens(from.info.repr, to);
    if (from.kind === 'null') return to.kind === 'ptr' || to.kind === 'str' || to.kind === 'fn';
    if (from.kind === 'ptr' && to.kind === 'ptr') return to.to.kind === 'void' || this.derivesFrom(from.to, to.to);
    if (from.kind === 'str' && to.kind === 'ptr') return to.to.kind === 'void' || sameType(to.to, from.wide ? U16 : U8);
    if (from.kind === 'ptr' && to.kind === 'str') return sameType(from.to, to.wide ? U16 : U8);
    if (from.kind === 'str' && to.kind === 'fmt') return !from.wide; // a cstr is printed as it is
    if (from.kind === 'array' && to.kind === 'struct' && to.info.slice) return sameType(from.elem, to.info.slice);
    return false;
  }

  /** Whether `from` is a class that extends `to` (directly or further up): Ptr<B> converts to Ptr<A>. */
  protected derivesFrom(from: Type, to: Type): boolean {
    if (from.kind !== 'struct' || to.kind !== 'struct') return false;
    for (let c = this.classes.get(from.info)?.base; c; c = c.base) if (c.struct === to.info) return true;
    return false;
  }

  private conversionHint(from: Type, to: Type): string {
    if (isIntegral(from) && to.kind === 'int') return `; convert explicitly with ${to.name}(x)`;
    if (from.kind === 'int' && to.kind === 'enum') return `; convert explicitly with \`x as ${to.info.name}\``;
    if (from.kind === 'bool' && to.kind === 'int') return `; use ${to.name}(b)`;
    if (isIntegral(from) && to.kind === 'bool') return '; compare explicitly, e.g. `x != 0`';
    if (from.kind === 'ptr' && to.kind === 'ptr') return `; reinterpret with cast<${typeName(to.to)}>(p)`;
    if (from.kind === 'int' && (to.kind === 'ptr')) return `; make a pointer with ptr<${typeName(to.to)}>(address)`;
    if (from.kind === 'ptr' && to.kind === 'int') return '; take the address with addr(p)';
    if (to.kind === 'fmt') return '; format it in a template literal: `${x}`';
    return '';
  }

  /** The common type of two operands of a binary operator, or undefined after an error. */
  protected unify(node: ts.Node, l: ts.Expression, lt: Type, r: ts.Expression, rt: Type, op: string): Type | undefined {
    if (lt.kind === 'error' || rt.kind === 'error') return undefined;
    const norm = (t: Type) => (t.kind === 'enum' ? asInt(t) : t);
    if (lt.kind === 'untyped' && rt.kind === 'untyped') return UNTYPED;
    if (lt.kind === 'untyped') {
      const t = norm(rt);
      if (!isIntegral(t)) return this.badOperands(node, op, lt, rt);
      this.settle(l, t);
      return t;
    }
    if (rt.kind === 'untyped') {
      const t = norm(lt);
      if (!isIntegral(t)) return this.badOperands(node, op, lt, rt);
      this.settle(r, t);
      return t;
    }
    const a = norm(lt), b = norm(rt);
    if (a.kind !== 'int' || b.kind !== 'int') return this.badOperands(node, op, lt, rt);
    if (sameType(a, b)) return isSize(a) ? a : isSize(b) ? b : a;
    if (widens(a, b)) return b;
    if (widens(b, a)) return a;
    const wide = Math.max(a.bits, b.bits) < 64 ? `, or widen both with i64(x)` : '';
    this.d.error(node, `operands of '${op}' have different types ${typeName(lt)} and ${typeName(rt)}, and neither `
      + `widens losslessly to the other; convert one side, e.g. ${a.name}(y) or ${b.name}(x)${wide}`);
    return undefined;
  }

  protected badOperands(node: ts.Node, op: string, lt: Type, rt: Type): undefined {
    const ptr = lt.kind === 'ptr' || rt.kind === 'ptr';
    const str = lt.kind === 'str' || rt.kind === 'str';
    const bool = lt.kind === 'bool' || rt.kind === 'bool';
    const hints = (ptr ? '; use ptrAdd/byteAdd/ptrDiff for pointer arithmetic' : '')
      + (str ? '; strings are not values at run time: print the parts with a template literal, `${a}${b}`' : '')
      + (bool ? '; convert a bool with u32(b)' : '');
    this.d.error(node, `operator '${op}' cannot be applied to ${typeName(lt)} and ${typeName(rt)}${hints}`);
    return undefined;
  }
}
