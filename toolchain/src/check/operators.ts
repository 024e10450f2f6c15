// Operators: unary, binary, comparisons, logical, assignment and compound assignment, with
// the typing of literal operands and constant folding of the result.
import * as ts from 'typescript';
import { Type, IntType, BOOL, ERROR, U32, UNTYPED, isIntegral, wrap, sameType, typeName, asInt } from './types';
import { ARITH, COMPARE, COMPOUND, isShift } from './optable';
import { ExprChecker } from './exprs';

const TS = ts.SyntaxKind;

/** The value of a comparison of two constants. */
function compareConsts(sym: string, a: bigint, b: bigint): boolean {
  switch (sym) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

export abstract class OperatorChecker extends ExprChecker {
  /** `a ?? b` and `a ??= b` (nullish.ts). */
  protected abstract nullish(e: ts.BinaryExpression): Type;

  protected prefix(e: ts.PrefixUnaryExpression): Type {
    const op = e.operator;
    if (op === TS.PlusPlusToken || op === TS.MinusMinusToken) {
      return this.incdec(e.operand, op === TS.PlusPlusToken ? '++' : '--');
    }
    if (op === TS.ExclamationToken) {
      const t = this.expr(e.operand, BOOL);
      if (t.kind !== 'bool' && t.kind !== 'error') {
        this.d.error(e, `'!' needs a bool, not ${typeName(t)}; compare explicitly, e.g. \`x == 0\``);
        return ERROR;
      }
      const c = this.consts.get(e.operand);
      if (c !== undefined) this.consts.set(e, c ? 0n : 1n);
      return BOOL;
    }
    const sym = op === TS.MinusToken ? '-' : op === TS.PlusToken ? '+' : '~';
    const t = this.expr(e.operand, undefined);
    if (t.kind === 'error') return ERROR;
    if (!isIntegral(t)) { this.d.error(e, `unary '${sym}' needs an integer, not ${typeName(t)}`); return ERROR; }
    const c = this.consts.get(e.operand);
    const rt = t.kind === 'enum' ? asInt(t) : t;
    if (c !== undefined) {
      // An untyped constant stays exact until it meets its context, so `-1` in a u64 is an
      // error while `~0` in a u64 is all ones.
      const v = op === TS.MinusToken ? -c : op === TS.PlusToken ? c : ~c;
      const folded = rt.kind === 'untyped' ? this.inConstRange(e, v) : wrap(v, rt as IntType);
      if (folded === null) return ERROR;
      this.consts.set(e, folded);
    }
    return rt;
  }

  protected incdec(operand: ts.Expression, op: string): Type {
    const t = this.expr(operand, undefined);
    if (t.kind === 'error') return ERROR;
    if (t.kind !== 'int') {
      const hint = t.kind === 'ptr' ? '; use p = ptrAdd(p, 1)' : '';
      this.d.error(operand, `'${op}' needs an integer variable, not ${typeName(t)}${hint}`);
      return ERROR;
    }
    this.checkAssignTarget(operand);
    return t;
  }

  protected binary(e: ts.BinaryExpression): Type {
    const op = e.operatorToken.kind;
    if (op === TS.EqualsToken) {
      const lt = this.expr(e.left, undefined);
      const rt = this.expr(e.right, lt.kind === 'error' ? undefined : lt);
      if (this.checkAssignTarget(e.left)) this.assignable(e.right, rt, lt);
      return lt;
    }
    if (op in COMPOUND) return this.compound(e, COMPOUND[op]);
    if (op === TS.AmpersandAmpersandToken || op === TS.BarBarToken) {
      const a = this.expr(e.left, BOOL), b = this.expr(e.right, BOOL);
      const sym = op === TS.AmpersandAmpersandToken ? '&&' : '||';
      for (const [x, t] of [[e.left, a], [e.right, b]] as const) {
        if (t.kind !== 'bool' && t.kind !== 'error') {
          this.d.error(x, `'${sym}' needs bool operands, not ${typeName(t)}; compare explicitly, e.g. \`x != 0\``);
        }
      }
      const ca = this.consts.get(e.left), cb = this.consts.get(e.right);
      if (ca !== undefined && (op === TS.AmpersandAmpersandToken ? ca === 0n : ca === 1n)) this.consts.set(e, ca);
      else if (ca !== undefined && cb !== undefined) this.consts.set(e, cb);
      return BOOL;
    }
    if (op in COMPARE) return this.compare(e, COMPARE[op]);
    if (op in ARITH) return this.arith(e, op, ARITH[op]);
    if (op === TS.CommaToken) {
      this.d.error(e.operatorToken, 'the comma operator is only supported in a `for` update (`i++, j--`); write two statements');
      return ERROR;
    }
    if (op === TS.InKeyword) { this.d.error(e, '`in` is not supported'); return ERROR; }
    if (op === TS.InstanceOfKeyword) {
      this.d.error(e, '`instanceof` is not supported: a class instance is a plain struct with no run-time type; '
        + 'keep a tag field (an enum) and compare it');
      return ERROR;
    }
    if (op === TS.AsteriskAsteriskToken || op === TS.AsteriskAsteriskEqualsToken) {
      this.d.error(e, '`**` is not supported; multiply in a loop');
      return ERROR;
    }
    if (op === TS.QuestionQuestionToken || op === TS.QuestionQuestionEqualsToken) return this.nullish(e);
    if (op === TS.BarBarEqualsToken || op === TS.AmpersandAmpersandEqualsToken) {
      this.d.error(e, `'${ts.tokenToString(op)}' is not supported; write an explicit comparison and if`); return ERROR;
    }
    this.d.error(e.operatorToken, `operator '${ts.tokenToString(op)}' is not supported`);
    return ERROR;
  }

  /** `x op= y`: y is the right operand of `x op y` (a count for shifts), the result is x's. */
  private compound(e: ts.BinaryExpression, bop: number): Type {
    const lt = this.expr(e.left, undefined);
    const rt = this.expr(e.right, undefined);
    if (!this.checkAssignTarget(e.left) || lt.kind === 'error' || rt.kind === 'error') return lt;
    const sym = ARITH[bop];
    if (lt.kind !== 'int') {
      const hint = lt.kind === 'ptr' ? '; use p = ptrAdd(p, n)' : '';
      this.d.error(e, `'${sym}=' needs an integer variable, not ${typeName(lt)}${hint}`);
      return ERROR;
    }
    if (!isIntegral(rt)) { this.badOperands(e, sym + '=', lt, rt); return lt; }
    if (isShift(bop)) {
      this.shiftCount(e.right, rt);
      return lt;
    }
    this.assignable(e.right, rt, lt);
    this.checkDivisor(bop, e.right);
    return lt;
  }

  /**
   * A shift count: of any integer type (masked to the width at run time); an untyped
   * constant count is a u32, so it must not be negative.
   */
  private shiftCount(count: ts.Expression, t: Type): boolean {
    const c = this.consts.get(count);
    if (t.kind === 'untyped' && c !== undefined && c < 0n) {
      this.d.error(count, `the shift count ${c} is negative; a constant shift count is 0 or more`);
      return false;
    }
    if (t.kind === 'untyped') this.settle(count, U32);
    return true;
  }

  /**
   * Division by a constant zero panics at run time like any other division by zero. Where
   * the checker evaluates the division itself (a module-level constant or initialiser) it
   * certainly executes, so it is an error there; in a function it is a warning.
   */
  private checkDivisor(op: number, r: ts.Expression): void {
    if ((op !== TS.SlashToken && op !== TS.PercentToken) || this.consts.get(r) !== 0n) return;
    if (this.fn) this.d.warn(r, 'division by zero: this panics when it runs');
  }

  private arith(e: ts.BinaryExpression, op: number, sym: string): Type {
    const lt = this.expr(e.left, undefined);
    const rt = this.expr(e.right, undefined);
    if (lt.kind === 'error' || rt.kind === 'error') return ERROR;
    if (lt.kind === 'str' || rt.kind === 'str') {
      this.d.error(e, 'string concatenation is a run-time JS string operation, which is not supported; '
        + 'print the parts with a template literal: print(`${a}${b}`)');
      return ERROR;
    }
    let result: Type | undefined;
    if (isShift(op)) {
      // A shift has the type of its left operand; the count is an operand of its own (a
      // literal count is a u32). `1 << n` stays untyped and takes the type of its context.
      if (!isIntegral(lt) || !isIntegral(rt)) return this.badOperands(e, sym, lt, rt) ?? ERROR;
      if (!this.shiftCount(e.right, rt)) return ERROR;
      result = lt.kind === 'enum' ? asInt(lt) : lt;
    } else {
      result = this.unify(e, e.left, lt, e.right, rt, sym);
      if (!result) return ERROR;
    }
    this.checkDivisor(op, e.right);
    const a = this.consts.get(e.left), b = this.consts.get(e.right);
    // `0x7FFF_FFFF_FFFF_FFFF >> C` with a typed count C of 8 or more: the count is masked to
    // the width the shift gets from its context, which is not known yet, so it is not folded
    // exactly (a literal and untyped constants alone would be); it computes in that type.
    const masked = isShift(op) && op !== TS.LessThanLessThanToken && lt.kind === 'untyped' && rt.kind !== 'untyped'
      && b !== undefined && b >= 8n;
    if (a !== undefined && b !== undefined && !masked) {
      const v = this.fold(e, op, a, b, result);
      if (v === null) return ERROR;
      if (v !== undefined) this.consts.set(e, v);
    }
    return result;
  }

  private compare(e: ts.BinaryExpression, sym: string): Type {
    const lt = this.expr(e.left, undefined);
    const rt = this.expr(e.right, lt.kind === 'untyped' || lt.kind === 'null' ? undefined : lt);
    if (lt.kind === 'error' || rt.kind === 'error') return BOOL;
    const eq = sym === '==' || sym === '!=';
    const ok = (() => {
      if (isIntegral(lt) && isIntegral(rt)) {
        if (lt.kind === 'enum' && rt.kind === 'enum' && !sameType(lt, rt)) {
          this.d.error(e, `cannot compare ${typeName(lt)} with ${typeName(rt)}`);
          return false;
        }
        const u = this.unify(e, e.left, lt, e.right, rt, sym);
        if (u?.kind === 'untyped' && !(this.consts.has(e.left) && this.consts.has(e.right))) {
          this.noType(e);
          return false;
        }
        return u !== undefined;
      }
      if (lt.kind === 'bool' && rt.kind === 'bool') {
        if (!eq) { this.d.error(e, `'${sym}' is not defined on bool; convert with u8(b)`); return false; }
        return true;
      }
      const ptrish = (t: Type) => t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn' || t.kind === 'null';
      if (ptrish(lt) && ptrish(rt)) {
        if (lt.kind === 'null' || rt.kind === 'null') return true;
        if (this.implicitly(lt, rt) || this.implicitly(rt, lt)) return true;
        this.d.error(e, `cannot compare ${typeName(lt)} with ${typeName(rt)}; cast one side, e.g. cast<u8>(p)`);
        return false;
      }
      this.badOperands(e, sym, lt, rt);
      return false;
    })();
    if (ok) {
      const a = this.consts.get(e.left), b = this.consts.get(e.right);
      if (a !== undefined && b !== undefined) {
        this.consts.set(e, compareConsts(sym, a, b) ? 1n : 0n);
      }
    }
    return BOOL;
  }
}
