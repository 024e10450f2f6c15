// The operator tokens the subset has, as tables shared by the checker and the lowering.
import * as ts from 'typescript';

const TS = ts.SyntaxKind;

/** Arithmetic operator tokens and how diagnostics spell them. */
export const ARITH: Record<number, string> = {
  [TS.PlusToken]: '+', [TS.MinusToken]: '-', [TS.AsteriskToken]: '*', [TS.SlashToken]: '/', [TS.PercentToken]: '%',
  [TS.AmpersandToken]: '&', [TS.BarToken]: '|', [TS.CaretToken]: '^',
  [TS.LessThanLessThanToken]: '<<', [TS.GreaterThanGreaterThanToken]: '>>',
  [TS.GreaterThanGreaterThanGreaterThanToken]: '>>>',
};

/** Compound assignment tokens and the operator each applies. */
export const COMPOUND: Record<number, number> = {
  [TS.PlusEqualsToken]: TS.PlusToken, [TS.MinusEqualsToken]: TS.MinusToken, [TS.AsteriskEqualsToken]: TS.AsteriskToken,
  [TS.SlashEqualsToken]: TS.SlashToken, [TS.PercentEqualsToken]: TS.PercentToken,
  [TS.AmpersandEqualsToken]: TS.AmpersandToken,
  [TS.BarEqualsToken]: TS.BarToken, [TS.CaretEqualsToken]: TS.CaretToken,
  [TS.LessThanLessThanEqualsToken]: TS.LessThanLessThanToken,
  [TS.GreaterThanGreaterThanEqualsToken]: TS.GreaterThanGreaterThanToken,
  [TS.GreaterThanGreaterThanGreaterThanEqualsToken]: TS.GreaterThanGreaterThanGreaterThanToken,
};

/** Comparison tokens: `===` is `==` (there are no coercions). */
export const COMPARE: Record<number, string> = {
  [TS.EqualsEqualsToken]: '==', [TS.EqualsEqualsEqualsToken]: '==',
  [TS.ExclamationEqualsToken]: '!=', [TS.ExclamationEqualsEqualsToken]: '!=',
  [TS.LessThanToken]: '<', [TS.LessThanEqualsToken]: '<=',
  [TS.GreaterThanToken]: '>', [TS.GreaterThanEqualsToken]: '>=',
};

/** `<<`, `>>` and `>>>`: their count is an operand of its own and never gives them a type. */
export function isShift(op: number): boolean {
  return op === TS.LessThanLessThanToken || op === TS.GreaterThanGreaterThanToken
    || op === TS.GreaterThanGreaterThanGreaterThanToken;
}
