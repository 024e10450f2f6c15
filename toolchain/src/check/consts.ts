// Integer literals and compile-time constants: parsing literals exactly, the values of
// named constants, giving an untyped expression its type (`settle`), and folding operators.
//
// The rule for literals (docs/language.md, "The type of a literal"): a literal or untyped
// constant has no type of its own. An operation takes its type from its typed operands
// (the count of a shift never gives one); an operation with none stays untyped and takes
// the type of its context, which `settle` then passes down to the literals inside it. A
// constant expression with no type is folded exactly; every intermediate value must lie
// in CONST_MIN..CONST_MAX (what some 64-bit type holds), and the result must fit the type
// it finally gets.
import * as ts from 'typescript';
import { Type, IntType, isIntegral, asInt, intMin, intMax, wrap, typeName } from './types';
import { ConstInfo } from './entities';
import { CheckerState } from './state';
import { isShift } from './optable';

const TS = ts.SyntaxKind;

export const CONST_MIN = -(1n << 63n);
export const CONST_MAX = (1n << 64n) - 1n;

export abstract class ConstFolder extends CheckerState {
  parseIntLiteral(n: ts.NumericLiteral): bigint | undefined {
    // The text as written: n.text is a JS number's text, which loses digits past 2^53.
    const sf = this.sourceFileOf(n);
    const text = sf.text.slice(n.getStart(sf), n.end).replace(/_/g, '');
    if (!/^(?:[0-9]+|0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+)$/.test(text)) {
      this.d.error(n, `'${n.getText()}' is not an integer literal; the subset has no floating point`);
      return undefined;
    }
    const v = BigInt(text);
    if (v > CONST_MAX) {
      this.d.error(n, `${n.getText()} does not fit in 64 bits (the largest integer is 0xFFFF_FFFF_FFFF_FFFF)`);
      return undefined;
    }
    return v;
  }

  protected constInfoValue(c: ConstInfo, use: ts.Node): bigint | undefined {
    if (c.state === 'done') return c.value;
    if (c.state === 'busy') { this.d.error(use, `constant '${c.name}' depends on itself`); return undefined; }
    c.state = 'busy';
    const saved = this.fn;
    this.fn = undefined;
    if (c.init) {
      const t = this.expr(c.init, c.type);
      if (c.type) this.assignable(c.init, t, c.type);
      // Without an annotation a constant has its value's type when that is not an integer
      // (an integer constant stays untyped: it takes the type of where it is used).
      else if (t.kind === 'bool' || t.kind === 'enum') c.type = t;
      c.value = this.consts.get(c.init);
      if (c.value === undefined && t.kind !== 'error') this.notConstant(c.init, `the value of const '${c.name}'`);
    }
    this.fn = saved;
    c.state = 'done';
    return c.value;
  }

  /** Reports that `what` (an initialiser that must be known at compile time) is not constant. */
  protected notConstant(e: ts.Expression, what: string): void {
    if (this.dividesByZero(e)) {
      this.d.error(e, `${what} divides by zero; a constant must have a value`);
      return;
    }
    const hint = ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)
      ? '; a string constant is written with its type: `const S: cstr = "..."`'
      : '; use `let` for values computed at run time';
    this.d.error(e, `${what} must be a compile-time constant${hint}`);
  }

  /** Whether a constant expression failed to fold only because it divides by zero. */
  private dividesByZero(e: ts.Expression): boolean {
    const stack: ts.Node[] = [e];
    while (stack.length) {
      const x = stack.pop()!;
      if (ts.isBinaryExpression(x)) {
        const op = x.operatorToken.kind;
        if ((op === TS.SlashToken || op === TS.PercentToken) && this.consts.get(x.right) === 0n) return true;
      }
      if (ts.isParenthesizedExpression(x) || ts.isBinaryExpression(x) || ts.isPrefixUnaryExpression(x)
        || ts.isConditionalExpression(x)) x.forEachChild((c) => { stack.push(c); });
    }
    return false;
  }

  /**
   * Gives an untyped expression the type its context expects. A constant must fit it; an
   * untyped expression that is not constant (`1 << n`, `c ? 1 : 2`) passes the type down
   * to its untyped operands. Iterative: a sum of many literals nests deeply.
   */
  protected settle(e: ts.Expression, to: Type): void {
    if (!isIntegral(to) || to.kind === 'untyped') return;
    const work: ts.Expression[] = [e];
    while (work.length) {
      const x = work.pop()!;
      if (this.types.get(x)?.kind !== 'untyped') continue;
      const v = this.consts.get(x);
      if (v !== undefined) { this.settleConst(x, v, to); continue; }
      this.types.set(x, to);
      if (ts.isParenthesizedExpression(x)) work.push(x.expression);
      else if (ts.isPrefixUnaryExpression(x)) work.push(x.operand);
      else if (ts.isConditionalExpression(x)) work.push(x.whenTrue, x.whenFalse);
      else if (ts.isBinaryExpression(x)) {
        // The count of a shift keeps its own type; it was settled when the shift was checked.
        work.push(x.left);
        if (!isShift(x.operatorToken.kind)) work.push(x.right);
      }
    }
  }

  /**
   * `~x` (inside any parentheses), or an untyped constant defined as one: a bit mask, the
   * one negative constant an unsigned type takes.
   */
  private isBitMask(e: ts.Expression): boolean {
    for (let depth = 0; depth < 100; depth++) {
      while (ts.isParenthesizedExpression(e)) e = e.expression;
      if (ts.isPrefixUnaryExpression(e)) return e.operator === TS.TildeToken;
      const ent = ts.isIdentifier(e) ? this.entityOf(e) : undefined;
      if (ent?.kind !== 'const' || ent.type || !ent.init) return false;
      e = ent.init;
    }
    return false;
  }

  private settleConst(e: ts.Expression, v: bigint, to: Type): void {
    const it = asInt(to);
    // Signed types take exactly their range. An unsigned type also takes a negative bit
    // mask written with `~` (`~0`, `~(PAGE_SIZE - 1)`), which wraps; any other negative
    // constant there is an error, as is every constant beyond the type's range.
    const lo = it.signed || !this.isBitMask(e) ? intMin(it) : -(1n << BigInt(it.bits - 1));
    if (v < lo || v > intMax(it)) {
      const range = `${v} does not fit ${typeName(to)} (${intMin(it)}..${intMax(it)})`;
      if (!it.signed && v < 0n && v >= -(1n << BigInt(it.bits - 1))) {
        this.d.error(e, `${range}; to wrap it, convert explicitly: ${it.name}(${v}) `
          + '(a `~` bit mask such as ~0 wraps too)');
      } else {
        const conv = it.signed ? '' : ` or an explicit conversion like ${it.name}(x)`;
        this.d.error(e, `${range}; use a wider type${conv}`);
      }
      return;
    }
    this.consts.set(e, wrap(v, it));
    this.types.set(e, to);
  }

  /**
   * Folds a binary operation: with the type's wrapping semantics when `t` is a machine
   * type, exactly when it is untyped. Returns undefined when there is no value (division
   * by zero, which panics at run time), or null after reporting why there cannot be one.
   */
  protected fold(e: ts.BinaryExpression, op: number, a: bigint, b: bigint, t: Type): bigint | undefined | null {
    if (t.kind === 'int') return foldTyped(op, a, b, t);
    if (t.kind !== 'untyped') return undefined;
    let v: bigint;
    switch (op) {
      case TS.PlusToken: v = a + b; break;
      case TS.MinusToken: v = a - b; break;
      case TS.AsteriskToken: v = a * b; break;
      case TS.SlashToken: if (b === 0n) return undefined; v = a / b; break;
      case TS.PercentToken: if (b === 0n) return undefined; v = a % b; break;
      case TS.AmpersandToken: v = a & b; break;
      case TS.BarToken: v = a | b; break;
      case TS.CaretToken: v = a ^ b; break;
      case TS.LessThanLessThanToken: v = a === 0n ? 0n : b > 64n ? CONST_MAX + 1n : a << b; break;
      case TS.GreaterThanGreaterThanToken: v = a >> b; break;
      case TS.GreaterThanGreaterThanGreaterThanToken:
        if (a < 0n) {
          this.d.error(e, `\`>>>\` of the negative constant ${a} depends on its width; give it a type, `
            + `e.g. i32(${a}) >>> ${b}`);
          return null;
        }
        v = a >> b;
        break;
      default: return undefined;
    }
    return this.inConstRange(e, v);
  }

  /** An exact constant, or null (after an error) when no 64-bit type could hold it. */
  protected inConstRange(e: ts.Expression, v: bigint): bigint | null {
    if (v >= CONST_MIN && v <= CONST_MAX) return v;
    this.d.error(e, `this constant expression leaves the range of 64-bit integers (${CONST_MIN}..${CONST_MAX}); `
      + 'give one of its literals a type to compute with wrapping, e.g. u64(x)');
    return null;
  }
}

/** A binary operation on two constants of machine type t, with run-time semantics. */
export function foldTyped(op: number, a: bigint, b: bigint, t: IntType): bigint | undefined {
  const w = (v: bigint) => wrap(v, t);
  const count = b & BigInt(t.bits - 1);
  switch (op) {
    case TS.PlusToken: return w(a + b);
    case TS.MinusToken: return w(a - b);
    case TS.AsteriskToken: return w(a * b);
    case TS.SlashToken: return b === 0n ? undefined : w(a / b);
    case TS.PercentToken: return b === 0n ? undefined : w(a % b);
    case TS.AmpersandToken: return w(a & b);
    case TS.BarToken: return w(a | b);
    case TS.CaretToken: return w(a ^ b);
    case TS.LessThanLessThanToken: return w(a << count);
    case TS.GreaterThanGreaterThanToken: return w((t.signed ? a : BigInt.asUintN(t.bits, a)) >> count);
    case TS.GreaterThanGreaterThanGreaterThanToken: return w(BigInt.asUintN(t.bits, a) >> count);
  }
  return undefined;
}
