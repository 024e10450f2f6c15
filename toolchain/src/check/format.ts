// Template literals and the `Fmt` type (docs/language.md, "Formatted output").
//
// A template literal is formatted at compile time: the checker turns it into a plan of
// literal text and directives, one per substitution, chosen by the substitution's type or
// by the helper it is wrapped in (`hex`, `dec`, `size`, `chr`). lower/format.ts turns the
// plan into a static description and a small record of argument values on the stack; the
// std's renderer (toolchain/std/fmt.ts) walks both. There is no run-time string building.
import * as ts from 'typescript';
import { Type, FMT, U64, I64, ERROR, isIntegral, typeName } from './types';
import { FmtOp, FmtArg, FmtPart, FMT_HELPERS } from './fmt-plan';
import { CallChecker } from './calls';

export abstract class FormatChecker extends CallChecker {
  protected template(e: ts.TemplateExpression | ts.BinaryExpression, ctx: Type | undefined): Type {
    const parts: FmtPart[] = [];
    const add = (x: ts.Expression): void => {
      while (ts.isParenthesizedExpression(x)) x = x.expression;
      if (ts.isBinaryExpression(x)) { add(x.left); add(x.right); return; }
      if (!ts.isTemplateExpression(x)) { parts.push((x as ts.StringLiteral).text); return; }
      parts.push(x.head.text);
      for (const span of x.templateSpans) {
        const arg = this.substitution(span.expression);
        if (arg) parts.push(this.folded(arg) ?? arg);
        parts.push(span.literal.text);
      }
    };
    add(e);
    if (ctx?.kind !== 'fmt' && ctx?.kind !== 'error') {
      this.d.error(e, 'a template literal is a formatted message, not a string: pass it where a Fmt is expected '
        + '(print, println, panic, assert, fmtWrite, format, or a function of your own with a `msg: Fmt` parameter)');
      return ERROR;
    }
    // Adjacent texts are one run of the description.
    const joined: FmtPart[] = [];
    for (const p of parts) {
      const last = joined[joined.length - 1];
      if (typeof p === 'string' && typeof last === 'string') joined[joined.length - 1] = last + p;
      else if (p !== '') joined.push(p);
    }
    this.formats.set(e, joined);
    return FMT;
  }

  /**
   * The text of an argument whose value is a compile-time constant, exactly as the std
   * renderer would print it, so that it costs neither a slot nor a store; else undefined.
   */
  private folded(a: FmtArg): string | undefined {
    const v = this.consts.get(a.expr);
    if (v === undefined) return undefined;
    const bits = a.type.kind === 'int' ? a.type.bits : a.type.kind === 'enum' ? 32 : 64;
    const u = BigInt.asUintN(bits, v);
    const pad = (t: string) => t.padStart(a.width ?? 0, ' ');
    switch (a.op) {
      case FmtOp.Unsigned: case FmtOp.Signed: return String(v);
      case FmtOp.DecWidth: case FmtOp.SignedDecWidth: return pad(String(v));
      case FmtOp.Bool: return v ? 'true' : 'false';
      case FmtOp.Hex: case FmtOp.HexWidth: return '0x' + u.toString(16).padStart(a.width ?? 1, '0');
      case FmtOp.Size: {
        const unit = ([[30n, ' GiB'], [20n, ' MiB'], [10n, ' KiB']] as const)
          .find(([sh]) => u !== 0n && (u & ((1n << sh) - 1n)) === 0n);
        return unit ? `${u >> unit[0]}${unit[1]}` : `${u} B`;
      }
      case FmtOp.Char: return u >= 2n && u < 0x80n ? String.fromCharCode(Number(u)) : undefined;
      case FmtOp.Enum: {
        const name = [...a.enumInfo!.members].find(([, m]) => BigInt.asUintN(32, m) === u)?.[0];
        return name ?? `${a.enumInfo!.name}(${u})`;
      }
      default: return undefined;
    }
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
    // A conditional may choose between messages: `${ok ? "" : ` (${n} bad)`}`.
    const t = this.expr(x, ts.isConditionalExpression(x) || ts.isTemplateExpression(x) ? FMT : undefined);
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
