// Operators: unary and binary arithmetic with tsboot's defined semantics (wrapping, masked
// shift counts, division by zero panics, MIN / -1 wraps), comparisons, short-circuit
// logic, assignments, and branching on a condition.
import * as ts from 'typescript';
import * as path from 'path';
import { Type, IntType, U32, I64, BOOL, VOID, isIntegral, asInt, irType } from '../check/types';
import { COMPOUND, COMPARE, isShift } from '../check/optable';
import { ExprLowerer } from './exprs';

const TS = ts.SyntaxKind;

export abstract class OperatorLowerer extends ExprLowerer {
  /** `obj.x = v` through a setter (lower/classes.ts). */
  protected abstract setterAssign(e: ts.BinaryExpression): string;
  /** `a ?? b` and `a ??= b` (nullish.ts). */
  protected abstract nullish(e: ts.BinaryExpression, t: Type): string;

  protected prefix(e: ts.PrefixUnaryExpression, t: Type): string {
    switch (e.operator) {
      case TS.PlusPlusToken: return this.incdec(e.operand, 'add', true);
      case TS.MinusMinusToken: return this.incdec(e.operand, 'sub', true);
      case TS.ExclamationToken: return this.b.binop('xor', 'i1', this.value(e.operand, BOOL), 'true');
      case TS.PlusToken: return this.value(e.operand, t);
      case TS.MinusToken: return this.b.binop('sub', irType(t), '0', this.value(e.operand, t));
      case TS.TildeToken: return this.b.binop('xor', irType(t), this.value(e.operand, t), '-1');
    }
    return 'poison';
  }

  protected incdec(operand: ts.Expression, op: 'add' | 'sub', prefix: boolean): string {
    const p = this.place(operand);
    const old = this.loadScalar(p.type, p.addr);
    const nv = this.b.binop(op, irType(p.type), old, '1');
    this.storeScalar(p.type, nv, p.addr);
    return prefix ? nv : old;
  }

  protected binary(e: ts.BinaryExpression, t: Type): string {
    const op = e.operatorToken.kind;
    if (op === TS.EqualsToken) {
      if (this.c.accessors.has(e.left)) return this.setterAssign(e);
      const p = this.place(e.left);
      this.assignTo(p, e.right);
      return p.type.kind === 'struct' || p.type.kind === 'array' ? p.addr : this.loadScalar(p.type, p.addr);
    }
    if (op in COMPOUND) {
      const p = this.place(e.left);
      const old = this.loadScalar(p.type, p.addr);
      const nv = this.arith(COMPOUND[op], p.type as IntType, old, e.right, e);
      this.storeScalar(p.type, nv, p.addr);
      return nv;
    }
    if (op === TS.AmpersandAmpersandToken || op === TS.BarBarToken) return this.logical(e);
    if (op === TS.QuestionQuestionToken || op === TS.QuestionQuestionEqualsToken) return this.nullish(e, t);
    if (op in COMPARE) return this.compare(e, COMPARE[op]);
    const lt = asInt(t);
    return this.arith(op, lt, this.value(e.left, lt), e.right, e);
  }

  /**
   * `&&` and `||`, short-circuit. A long chain (`a || b || c || ...`) nests to the left; it
   * is lowered along that left spine in a loop, not by recursion.
   */
  private logical(e: ts.BinaryExpression): string {
    const spine: ts.BinaryExpression[] = [];
    let x: ts.Expression = e;
    for (;;) {
      while (ts.isParenthesizedExpression(x) && !this.c.consts.has(x)) x = x.expression;
      if (!ts.isBinaryExpression(x) || this.c.consts.has(x)) break;
      const k = x.operatorToken.kind;
      if (k !== TS.AmpersandAmpersandToken && k !== TS.BarBarToken) break;
      spine.push(x);
      x = x.left;
    }
    let v = this.value(x, BOOL);
    for (let i = spine.length - 1; i >= 0; i--) {
      const n = spine[i];
      const and = n.operatorToken.kind === TS.AmpersandAmpersandToken;
      const rhs = this.b.label('logic.rhs'), end = this.b.label('logic.end');
      const ll = this.b.currentLabel();
      if (and) this.b.condBr(v, rhs, end); else this.b.condBr(v, end, rhs);
      this.b.startBlock(rhs);
      const r = this.value(n.right, BOOL);
      const rl = this.b.currentLabel();
      this.b.br(end);
      this.b.startBlock(end);
      v = this.b.phi('i1', [[and ? 'false' : 'true', ll], [r, rl]]);
    }
    return v;
  }

  /** `l op right` in type t, with tsboot's defined semantics for shifts and division. */
  private arith(op: number, t: IntType, l: string, right: ts.Expression, node: ts.Node): string {
    const ty = irType(t);
    if (isShift(op)) {
      // The count is masked to the width (x << 65 on a u64 is x << 1): in LLVM a count of
      // the width or more is poison.
      const c = this.c.consts.get(right);
      let masked: string;
      if (c !== undefined) masked = String(c & BigInt(t.bits - 1));
      else {
        const n = this.convertCount(this.value(right), this.c.types.get(right)!, t);
        masked = this.b.binop('and', ty, n, String(t.bits - 1));
      }
      const logical = op === TS.GreaterThanGreaterThanGreaterThanToken || !t.signed;
      const inst = op === TS.LessThanLessThanToken ? 'shl' : logical ? 'lshr' : 'ashr';
      return this.b.binop(inst, ty, l, masked);
    }
    const r = this.value(right, t);
    switch (op) {
      case TS.PlusToken: return this.b.binop('add', ty, l, r);
      case TS.MinusToken: return this.b.binop('sub', ty, l, r);
      case TS.AsteriskToken: return this.b.binop('mul', ty, l, r);
      case TS.AmpersandToken: return this.b.binop('and', ty, l, r);
      case TS.BarToken: return this.b.binop('or', ty, l, r);
      case TS.CaretToken: return this.b.binop('xor', ty, l, r);
      case TS.SlashToken: case TS.PercentToken: return this.divide(op === TS.SlashToken, t, l, r, right, node);
    }
    return 'poison';
  }

  private convertCount(v: string, from: Type, to: IntType): string {
    const fb = asInt(from).bits;
    if (fb === to.bits) return v;
    return fb > to.bits ? this.b.cast('trunc', `i${fb}`, v, irType(to)) : this.b.cast('zext', `i${fb}`, v, irType(to));
  }

  private divide(isDiv: boolean, t: IntType, l: string, r: string, right: ts.Expression, node: ts.Node): string {
    const ty = irType(t);
    const c = this.c.consts.get(right);
    if (c === undefined || c === 0n) {
      // Division by zero panics with file:line.
      const zero = this.b.icmp('eq', ty, r, '0');
      const bad = this.b.label('div.zero'), ok = this.b.label('div.ok');
      this.b.condBr(zero, bad, ok);
      this.b.startBlock(bad);
      this.panicAt('division by zero', node);
      this.b.startBlock(ok);
    }
    let divisor = r;
    if (t.signed && (c === undefined || c === -1n)) {
      // MIN / -1 overflows in hardware; tsboot defines it to wrap to MIN (remainder 0):
      // dividing MIN by 1 instead gives exactly that.
      const min = String(-(1n << BigInt(t.bits - 1)));
      const isMin = this.b.icmp('eq', ty, l, min);
      const isNeg1 = this.b.icmp('eq', ty, r, '-1');
      const both = this.b.binop('and', 'i1', isMin, isNeg1);
      divisor = this.b.select(both, ty, '1', r);
    }
    const inst = isDiv ? (t.signed ? 'sdiv' : 'udiv') : (t.signed ? 'srem' : 'urem');
    return this.b.binop(inst, ty, l, divisor);
  }

  private compare(e: ts.BinaryExpression, sym: string): string {
    const lt = this.c.types.get(e.left)!, rt = this.c.types.get(e.right)!;
    let t: Type;
    const norm = (x: Type) => (x.kind === 'enum' ? asInt(x) : x);
    if (isIntegral(lt) && isIntegral(rt)) {
      const a = norm(lt), b = norm(rt);
      if (a.kind === 'untyped') t = b.kind === 'untyped' ? I64 : b;
      else if (b.kind === 'untyped') t = a;
      else t = (a as IntType).bits >= (b as IntType).bits && (this.c.implicitly(b, a)) ? a : b;
    } else if (lt.kind === 'bool') t = BOOL;
    else t = { kind: 'ptr', to: VOID };
    const l = this.value(e.left, t), r = this.value(e.right, t);
    const signed = t.kind === 'int' && t.signed;
    const s = signed ? 's' : 'u';
    const pred = { '==': 'eq', '!=': 'ne', '<': s + 'lt', '<=': s + 'le', '>': s + 'gt', '>=': s + 'ge' }[sym]!;
    return this.b.icmp(pred, irType(t), l, r);
  }

  condBranch(e: ts.Expression, yes: string, no: string): void {
    const c = this.c.consts.get(e);
    if (c !== undefined) { this.b.br(c ? yes : no); return; }
    this.b.condBr(this.value(e, BOOL), yes, no);
  }

  /** Calls the std's panicAt(msg, file, line), which does not return. */
  panicAt(msg: string, node: ts.Node, msgValue?: string): void {
    const f = this.c.stdByName.get('panicAt');
    if (!f) { this.b.unreachable(); return; }
    const sf = this.fn.decl.getSourceFile(); // the node's: a walk from a deep node would be long
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const rel = path.relative(process.cwd(), sf.fileName);
    const file = rel.startsWith('..') ? path.resolve(sf.fileName) : rel;
    const m = msgValue ?? this.fmtLiteral(msg);
    this.b.call('void', this.want(f), [`ptr ${m}`, `ptr ${this.stringConst(file, false)}`, `i32 ${line}`]);
    this.b.unreachable();
  }
}
