// Integer literals and compile-time constants: parsing literals exactly, the values of
// named constants, giving an untyped constant its type (`settle`), and folding operators.
import * as ts from 'typescript';
import { Type, isIntegral, asInt, intMin, intMax, wrap, typeName } from './types';
import { ConstInfo } from './entities';
import { CheckerState } from './state';

const TS = ts.SyntaxKind;

export abstract class ConstFolder extends CheckerState {
  parseIntLiteral(n: ts.NumericLiteral): bigint | undefined {
    const text = n.getText().replace(/_/g, '');
    if (/^(?:[0-9]+|0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+)$/.test(text)) {
      return BigInt(text);
    }
    this.d.error(n, `'${n.getText()}' is not an integer literal; the subset has no floating point`);
    return undefined;
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
      c.value = this.consts.get(c.init);
      if (c.value === undefined && t.kind !== 'error') {
        this.d.error(c.init, `the value of const '${c.name}' must be a compile-time constant; `
          + 'use `let` for values computed at run time');
      }
    }
    this.fn = saved;
    c.state = 'done';
    return c.value;
  }

  /** Gives an untyped constant expression a concrete type, checking that it fits. */
  protected settle(e: ts.Expression, to: Type): void {
    const v = this.consts.get(e);
    if (v === undefined) return;
    if (to.kind === 'bool') return;
    if (!isIntegral(to) || to.kind === 'untyped') return;
    const it = asInt(to);
    // Signed types take exactly their range. Unsigned types also take negative constant
    // expressions such as `~0` or `~(PAGE_SIZE - 1)`, which wrap (they are bit masks), but
    // not a written negative literal: `let x: u64 = -1` is an error.
    const negLiteral = ts.isPrefixUnaryExpression(e) && e.operator === TS.MinusToken && ts.isNumericLiteral(e.operand);
    const lo = it.signed ? intMin(it) : negLiteral ? 0n : -(1n << BigInt(it.bits - 1));
    if (v < lo || v > intMax(it)) {
      const conv = it.signed ? '' : ' or an explicit conversion like ' + it.name + '(x)';
      this.d.error(e, `${v} does not fit ${typeName(to)} (${intMin(it)}..${intMax(it)}); use a wider type${conv}`);
      return;
    }
    this.consts.set(e, wrap(v, it));
    this.types.set(e, to);
  }

  /** Folds a binary operation exactly (untyped) or with the type's wrapping semantics. */
  protected fold(op: number, a: bigint, b: bigint, t: Type): bigint | undefined {
    const it = t.kind === 'int' ? t : undefined;
    const w = (v: bigint) => (it ? wrap(v, it) : v);
    const mask = it ? BigInt(it.bits - 1) : 63n;
    switch (op) {
      case TS.PlusToken: return w(a + b);
      case TS.MinusToken: return w(a - b);
      case TS.AsteriskToken: return w(a * b);
      case TS.SlashToken: return b === 0n ? undefined : w(a / b);
      case TS.PercentToken: return b === 0n ? undefined : w(a % b);
      case TS.AmpersandToken: return w(a & b);
      case TS.BarToken: return w(a | b);
      case TS.CaretToken: return w(a ^ b);
      case TS.LessThanLessThanToken: return w(a << (it ? b & mask : b));
      case TS.GreaterThanGreaterThanToken: return w(a >> (it ? b & mask : b));
      case TS.GreaterThanGreaterThanGreaterThanToken:
        if (!it) return a >= 0n ? a >> b : undefined;
        return w(BigInt.asUintN(it.bits, a) >> (b & mask));
    }
    return undefined;
  }
}
