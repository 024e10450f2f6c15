// The plan of a formatted message, shared by the checker (check/format.ts, which makes
// it) and the lowering (lower/format.ts, which emits it); and which expressions are one.
import * as ts from 'typescript';
import { Type, EnumInfo } from './types';

/** How one argument is rendered; the byte after the directive mark in the description. */
export const enum FmtOp {
  Unsigned = 0x75, // 'u'
  Signed = 0x69, // 'i'
  Bool = 0x62, // 'b'
  Cstr = 0x73, // 's'
  Wstr = 0x77, // 'w'
  Pointer = 0x70, // 'p'
  Hex = 0x78, // 'x'
  HexWidth = 0x58, // 'X' + width byte
  DecWidth = 0x64, // 'd' + width byte
  SignedDecWidth = 0x44, // 'D' + width byte
  Size = 0x7a, // 'z'
  Char = 0x63, // 'c'
  Enum = 0x65, // 'e': the value, then the address of the enum's name table
  Nested = 0x66, // 'f'
}

/** Marks a directive in a description; a literal 0x01 byte is written as two of them. */
export const FMT_MARK = 0x01;

export interface FmtArg { op: FmtOp; expr: ts.Expression; type: Type; width?: number; enumInfo?: EnumInfo }
/** Literal text and arguments, in order. */
export type FmtPart = string | FmtArg;

/** The helpers valid only inside a substitution, each with an example of its use. */
export const FMT_HELPERS: Record<string, string> = { hex: 'hex(x)', dec: 'dec(x, 8)', size: 'size(bytes)', chr: 'chr(c)' };

/**
 * Literal texts and template literals joined with `+` (to split a long message over
 * lines): where a Fmt is expected they are one message, joined at compile time.
 */
export function isLiteralJoin(e: ts.Expression): e is ts.BinaryExpression {
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.PlusToken) return false;
  const part = (x: ts.Expression): boolean => {
    while (ts.isParenthesizedExpression(x)) x = x.expression;
    return ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x) || ts.isTemplateExpression(x) || isLiteralJoin(x);
  };
  return part(e.left) && part(e.right);
}
