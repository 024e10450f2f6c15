// Template literals and the `Fmt` type (docs/language.md, "Formatted output").
//
// A template literal is formatted at compile time: the checker turns it into a plan of
// literal text and directives, one per substitution, chosen by the substitution's type or
// by the helper it is wrapped in (`hex`, `dec`, `size`, `chr`). lower/format.ts turns the
// plan into a static description and a small record of argument values on the stack; the
// std's renderer (toolchain/std/fmt.ts) walks both. There is no run-time string building.
import * as ts from 'typescript';
import { Type, EnumInfo, FMT, U64, I64, ERROR, isIntegral, typeName } from './types';
import { CallChecker } from './calls';

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

export abstract class FormatChecker extends CallChecker {
  /** The plan of every template literal, for the lowering. */
  readonly formats = new Map<ts.Node, FmtPart[]>();

  protected template(e: ts.TemplateExpression, ctx: Type | undefined): Type {
    const parts: FmtPart[] = [e.head.text];
    for (const span of e.templateSpans) {
      const arg = this.substitution(span.expression);
      if (arg) parts.push(arg);
      parts.push(span.literal.text);
    }
    if (ctx?.kind !== 'fmt' && ctx?.kind !== 'error') {
      this.d.error(e, 'a template literal is a formatted message, not a string: pass it where a Fmt is expected '
        + '(print, println, panic, assert, fmtWrite, format, or a function of your own with a `msg: Fmt` parameter)');
      return ERROR;
    }
    this.formats.set(e, parts.filter((p) => p !== ''));
    return FMT;
  }

  /** A call of a formatting helper written in the substitution, or undefined. */
  private helperCall(x: ts.Expression): string | undefined {
    if (!ts.isCallExpression(x) || !ts.isIdentifier(x.expression)) return undefined;
    const sym = this.symbolOf(x.expression);
    const decl = sym?.declarations?.[0];
    if (!sym || !decl || !this.isLibDecl(decl) || !(sym.name in FMT_HELPERS)) return undefined;
    return sym.name;
  }

  private substitution(x: ts.Expression): FmtArg | undefined {
    const helper = this.helperCall(x);
    if (helper) return this.helper(x as ts.CallExpression, helper);
    const t = this.expr(x, undefined);
    if (t.kind === 'untyped') this.settle(x, (this.consts.get(x) ?? 0n) < 0n ? I64 : U64);
    const st = this.types.get(x)!;
    switch (st.kind) {
      case 'int': return { op: st.signed ? FmtOp.Signed : FmtOp.Unsigned, expr: x, type: st };
      case 'bool': return { op: FmtOp.Bool, expr: x, type: st };
      case 'str': return { op: st.wide ? FmtOp.Wstr : FmtOp.Cstr, expr: x, type: st };
      case 'ptr': case 'fn': return { op: FmtOp.Pointer, expr: x, type: st };
      case 'enum': return { op: FmtOp.Enum, expr: x, type: st, enumInfo: st.info };
      case 'fmt': return { op: FmtOp.Nested, expr: x, type: st };
      case 'error': case 'untyped': return undefined;
      default: {
        const what = st.kind === 'struct' || st.kind === 'array' ? `; format its fields, e.g. \`\${v.field}\`` : '';
        this.d.error(x, `a value of type ${typeName(st)} cannot be formatted${what}`);
        return undefined;
      }
    }
  }

  private helper(c: ts.CallExpression, name: string): FmtArg | undefined {
    const args = c.arguments;
    const withWidth = name === 'dec' || (name === 'hex' && args.length === 2);
    const want = name === 'hex' ? (args.length === 2 ? 2 : 1) : name === 'dec' ? 2 : 1;
    if (args.length !== want || (name === 'hex' && args.length > 2)) {
      const example = name === 'hex' ? '`${hex(x)}` or `${hex(x, 8)}`' : `\`\${${FMT_HELPERS[name]}}\``;
      this.d.error(c, `${name}() takes ${want === 1 ? 'one argument' : 'two arguments'}, e.g. ${example}`);
      args.forEach((a) => this.expr(a, undefined));
      return undefined;
    }
    const x = args[0];
    let t = this.expr(x, undefined);
    if (t.kind === 'untyped') { this.settle(x, U64); t = this.types.get(x)!; }
    const pointer = t.kind === 'ptr' || t.kind === 'fn';
    if (t.kind === 'error') return undefined;
    if (!isIntegral(t) && !(name === 'hex' && pointer)) {
      const what = name === 'hex' ? 'an integer, enum or pointer' : 'an integer';
      this.d.error(x, `${name}() formats ${what}, not ${typeName(t)}`);
      return undefined;
    }
    let width: number | undefined;
    if (withWidth) {
      const w = args[1];
      const wt = this.expr(w, U64);
      const v = this.consts.get(w);
      const max = name === 'hex' ? 16 : 32;
      if (wt.kind !== 'error' && (v === undefined || v < 1n || v > BigInt(max))) {
        this.d.error(w, `the width of ${name}() must be a constant from 1 to ${max}, e.g. \`\${${name}(x, 8)}\``);
        return undefined;
      }
      width = Number(v ?? 1n);
    }
    const signed = t.kind === 'int' && t.signed;
    switch (name) {
      case 'hex': return { op: width ? FmtOp.HexWidth : FmtOp.Hex, expr: x, type: t, width };
      case 'dec': return { op: signed ? FmtOp.SignedDecWidth : FmtOp.DecWidth, expr: x, type: t, width };
      case 'size': return { op: FmtOp.Size, expr: x, type: t };
      default: return { op: FmtOp.Char, expr: x, type: t };
    }
  }

  /** A helper called outside a substitution is an error that says where it belongs. */
  protected call(e: ts.CallExpression): Type {
    const name = this.helperCall(e);
    if (!name) return super.call(e);
    this.d.error(e, `${name}() is valid only inside a template substitution, e.g. println(\`\${${FMT_HELPERS[name]}}\`)`);
    e.arguments.forEach((a) => this.expr(a, undefined));
    return ERROR;
  }
}
