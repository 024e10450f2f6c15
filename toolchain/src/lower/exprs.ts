// Expressions: constants, conversions between types the checker allowed, and the value of
// every expression kind (operators are in operators.ts, calls in calls.ts).
import * as ts from 'typescript';
import { Type, I64, U64, VOID, isIntegral, isAggregate, asInt, sameType, irType } from '../check/types';
import { endsOptionalChain } from '../check/chains';
import { DEEP, postOrder } from '../check/nesting';
import { ARITH, COMPARE } from '../check/optable';
import { SliceLowerer } from './slices';

const TS = ts.SyntaxKind;

/**
 * Expressions whose lowering is its operands' values, left to right, then one computation
 * in the same block: arithmetic, comparisons, `-`, `~`, `!`, parentheses. Their operands can
 * be lowered ahead, bottom up (short-circuit logic and `?:` branch, so they cannot).
 */
function orderFree(e: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(e)) return true;
  if (ts.isPrefixUnaryExpression(e)) return e.operator !== TS.PlusPlusToken && e.operator !== TS.MinusMinusToken;
  if (ts.isBinaryExpression(e)) return e.operatorToken.kind in ARITH || e.operatorToken.kind in COMPARE;
  return false;
}

export abstract class ExprLowerer extends SliceLowerer {
  protected abstract call(e: ts.CallExpression, t: Type): string;
  protected abstract prefix(e: ts.PrefixUnaryExpression, t: Type): string;
  protected abstract incdec(operand: ts.Expression, op: 'add' | 'sub', prefix: boolean): string;
  protected abstract binary(e: ts.BinaryExpression, t: Type): string;
  abstract condBranch(e: ts.Expression, yes: string, no: string): void;
  /** A getter's or a static method's value, or undefined for a field (lower/classes.ts). */
  protected abstract memberValue(e: ts.PropertyAccessExpression, t: Type): string | undefined;
  protected abstract template(e: ts.TemplateExpression | ts.BinaryExpression): string;
  abstract fmtLiteral(text: string): string;
  abstract fmtFromCstr(v: string): string;

  /** An index or count as i64 (sign- or zero-extended by its type). */
  index(e: ts.Expression): string {
    const t = this.c.types.get(e)!;
    const v = this.value(e);
    return this.convert(v, t.kind === 'untyped' ? I64 : t, t.kind === 'int' && t.signed ? I64 : U64);
  }

  constant(v: bigint, t: Type): string {
    if (t.kind === 'bool') return v ? 'true' : 'false';
    if (t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn') {
      return v === 0n ? 'null' : `inttoptr (i64 ${v} to ptr)`;
    }
    return String(v);
  }

  /** Converts a value between types the checker allowed (implicitly or explicitly). */
  convert(v: string, from: Type, to: Type): string {
    if (sameType(from, to) || from.kind === 'never') return v;
    if (to.kind === 'bool') {
      if (from.kind === 'bool') return v;
      return this.b.icmp('ne', irType(from), v, '0');
    }
    if (from.kind === 'null') return 'null';
    if (to.kind === 'fmt' && from.kind === 'str') return this.fmtFromCstr(v);
    if (from.kind === 'array' && to.kind === 'struct') return this.arrayAsSlice(v, from);
    const fi = irType(from), ti = irType(to);
    if ((isIntegral(from) || from.kind === 'bool') && isIntegral(to)) {
      const fb = from.kind === 'bool' ? 1 : asInt(from).bits;
      const tb = asInt(to).bits;
      if (fb === tb) return v;
      if (fb > tb) return this.b.cast('trunc', fi, v, ti);
      const signed = from.kind === 'int' && from.signed;
      return this.b.cast(signed ? 'sext' : 'zext', fi, v, ti);
    }
    return v; // pointer-like to pointer-like: all `ptr`
  }

  /** The value of an expression, converted to `want` when given. */
  value(e: ts.Expression, want?: Type): string {
    const t = this.c.types.get(e) ?? VOID;
    const c = this.c.consts.get(e);
    if (c !== undefined) {
      const ct = t.kind === 'untyped' ? (want && (isIntegral(want) || want.kind === 'bool') ? want : I64) : t;
      const k = this.constant(c, ct);
      return want ? this.convert(k, ct, want) : k;
    }
    let v = this.lowered.get(e);
    if (v === undefined) {
      if (++this.depth > this.reached.depth) this.reached = { node: e, depth: this.depth };
      if (this.depth > DEEP && !this.prelowering && orderFree(e)) this.prelower(e);
      v = this.valueInner(e, t);
      this.depth--;
    }
    return want ? this.convert(v, t, want) : v;
  }

  /**
   * Lowers the operands below a deeply nested expression bottom up, without recursion, in
   * the order the recursive walk would (left before right, operands before operators);
   * their values are then found by the calls that need them (see check/nesting.ts).
   */
  private prelower(root: ts.Expression): void {
    const order = postOrder(root, (n) => this.orderedOperands(n)) as ts.Expression[];
    this.prelowering = true;
    for (const n of order) this.lowered.set(n, this.value(n));
    this.prelowering = false;
  }

  /** The operands of an expression that its lowering evaluates first, in order, and nothing else. */
  private orderedOperands(n: ts.Node): ts.Node[] {
    if (this.c.consts.has(n) || !orderFree(n as ts.Expression)) return [];
    if (ts.isParenthesizedExpression(n)) return [n.expression];
    if (ts.isPrefixUnaryExpression(n)) return [n.operand];
    if (ts.isBinaryExpression(n)) return [n.left, n.right];
    return [];
  }

  effect(e: ts.Expression): void {
    const t = this.c.types.get(e);
    if (this.c.consts.has(e) && !ts.isCallExpression(e)) return;
    // A struct or array named alone has no effect; an assignment or call of that type does.
    if (t && isAggregate(t) && !ts.isBinaryExpression(e) && !ts.isCallExpression(e)) return;
    this.valueInner(e, t ?? VOID);
  }

  protected valueInner(e: ts.Expression, t: Type): string {
    this.at(e);
    return endsOptionalChain(e) ? this.optionalChain(e, t) : this.valueOf(e, t);
  }

  /**
   * The value of an optional chain: the chain's links in order, each `?.` leaving for the
   * null exit when its pointer is null; the result is the value, or the zero of its type.
   */
  private optionalChain(e: ts.Expression, t: Type): string {
    const exit = this.b.label('chain.null'), end = this.b.label('chain.end');
    this.chainExits.push(exit);
    const v = this.valueOf(e, t);
    const vl = this.b.currentLabel();
    this.b.br(end);
    this.chainExits.pop();
    this.b.startBlock(exit);
    this.b.br(end);
    this.b.startBlock(end);
    if (t.kind === 'void' || t.kind === 'never') return '';
    return this.b.phi(irType(t), [[v, vl], [this.constant(0n, t), exit]]);
  }

  protected valueOf(e: ts.Expression, t: Type): string {
    switch (e.kind) {
      case TS.ParenthesizedExpression: return this.value((e as ts.ParenthesizedExpression).expression);
      case TS.NonNullExpression: return this.value((e as ts.NonNullExpression).expression);
      case TS.NullKeyword: return 'null';
      case TS.StringLiteral: case TS.NoSubstitutionTemplateLiteral:
        if (t.kind === 'fmt') return this.fmtLiteral((e as ts.StringLiteral).text);
        return this.stringConst((e as ts.StringLiteral).text, t.kind === 'str' && t.wide);
      case TS.Identifier: {
        const ent = this.c.entityOf(e as ts.Identifier);
        if (ent?.kind === 'func') return this.want(ent);
        if (!ent) {
          const std = this.c.stdByName.get((e as ts.Identifier).text);
          if (std) return this.want(std);
        }
        return this.loadPlace(e, t);
      }
      case TS.PropertyAccessExpression: case TS.ElementAccessExpression: {
        const member = ts.isPropertyAccessExpression(e) ? this.c.namespaceMember(e) : undefined;
        const ent = member && this.c.entities.get(member);
        if (ent?.kind === 'func') return this.want(ent); // `ns.f` as a value
        // `a.ptr` of an Arr is its address (`a.length` is a constant).
        const o = ts.isPropertyAccessExpression(e) ? e.expression : undefined;
        if (o && this.c.types.get(o)?.kind === 'array') return this.place(o).addr;
        const classMember = ts.isPropertyAccessExpression(e) ? this.memberValue(e, t) : undefined;
        return classMember ?? this.loadPlace(e, t);
      }
      case TS.ThisKeyword: case TS.NewExpression: return this.loadPlace(e, t);
      case TS.CallExpression: return this.call(e as ts.CallExpression, t);
      case TS.TemplateExpression: return this.template(e as ts.TemplateExpression);
      case TS.PrefixUnaryExpression: return this.prefix(e as ts.PrefixUnaryExpression, t);
      case TS.PostfixUnaryExpression: {
        const p = e as ts.PostfixUnaryExpression;
        return this.incdec(p.operand, p.operator === TS.PlusPlusToken ? 'add' : 'sub', false);
      }
      case TS.BinaryExpression:
        if (this.c.formats.has(e)) return this.template(e as ts.BinaryExpression);
        return this.binary(e as ts.BinaryExpression, t);
      case TS.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const yes = this.b.label('cond.true'), no = this.b.label('cond.false'), end = this.b.label('cond.end');
        this.condBranch(c.condition, yes, no);
        // A struct or array ?: chooses between the addresses of the two values' storage.
        const arm = (x: ts.Expression) => isAggregate(t) ? this.place(x).addr : this.value(x, t);
        this.b.startBlock(yes);
        const a = arm(c.whenTrue);
        const al = this.b.currentLabel();
        this.b.br(end);
        this.b.startBlock(no);
        const bv = arm(c.whenFalse);
        const bl = this.b.currentLabel();
        this.b.br(end);
        this.b.startBlock(end);
        return this.b.phi(isAggregate(t) ? 'ptr' : irType(t), [[a, al], [bv, bl]]);
      }
      case TS.ArrowFunction: case TS.FunctionExpression: return this.want(this.c.lambdas.get(e)!);
      case TS.AsExpression: {
        const a = e as ts.AsExpression;
        return this.value(a.expression, t);
      }
      default: return 'poison';
    }
  }
}
