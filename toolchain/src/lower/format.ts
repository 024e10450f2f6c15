// Formatted messages (check/format.ts has the plan of every template literal).
//
// A message is a static description: the literal text with a directive (the mark byte
// 0x01, the operation, maybe a width byte) where each argument goes. A `Fmt` without
// arguments is the description's address (2-aligned, low bit clear); one with arguments is
// the address + 1 of a record in the caller's frame: the description's address, then one
// 64-bit slot per argument, filled before the call. The std renderer (toolchain/std/fmt.ts)
// walks both.
import * as ts from 'typescript';
import { FmtOp, FmtPart, FMT_MARK } from '../check/fmt-plan';
import { EnumInfo, Type, U64, irType, asInt } from '../check/types';
import { CallLowerer } from './calls';

export abstract class FormatLowerer extends CallLowerer {
  private enumTables = new Map<EnumInfo, string>();

  /**
   * A message without arguments: the address of its description, which is 2-aligned so
   * that it is told apart from a record's (tagged) address.
   */
  fmtLiteral(text: string): string {
    return this.mod.stringConstant([...describe([text]), 0], 8, 2);
  }

  /** A cstr value passed where a Fmt is expected: printed as it is. */
  fmtFromCstr(v: string): string {
    const desc = this.mod.stringConstant([FMT_MARK, FmtOp.Cstr, 0], 8);
    return this.record(desc, [v === 'null' ? '0' : this.b.cast('ptrtoint', 'ptr', v, 'i64')]);
  }

  protected template(e: ts.TemplateExpression | ts.BinaryExpression): string {
    const parts = this.c.formats.get(e);
    if (!parts) return 'poison';
    const args = parts.filter((p): p is Exclude<FmtPart, string> => typeof p !== 'string');
    if (args.length === 0) return this.fmtLiteral(parts.join(''));
    const slots: string[] = [];
    for (const a of args) {
      slots.push(this.slot(a.expr, a.type, a.op));
      if (a.enumInfo) slots.push(this.b.cast('ptrtoint', 'ptr', this.enumTable(a.enumInfo), 'i64'));
    }
    const desc = this.mod.stringConstant([...describe(parts), 0], 8);
    return this.record(desc, slots);
  }

  /**
   * A record on the stack: the description's address, then the argument slots. The Fmt
   * value is the record's address + 1 (records are 8-aligned, so the low bit says "record").
   */
  private record(desc: string, slots: string[]): string {
    const rec = this.b.alloca(`[${slots.length + 1} x i64]`, 8);
    this.b.store('ptr', desc, rec, 8);
    slots.forEach((v, i) => this.b.store('i64', v, this.b.byteOffset(rec, String(8 * (i + 1))), 8));
    return this.b.byteOffset(rec, '1');
  }

  /**
   * An argument as 64 bits: sign-extended when signed decimal is printed, zero-extended
   * otherwise (hex of a negative i32 shows its 32 bits, as C's %x does).
   */
  private slot(x: ts.Expression, t: Type, op: FmtOp): string {
    if (t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fmt' || t.kind === 'fn') {
      return this.b.cast('ptrtoint', 'ptr', this.value(x), 'i64');
    }
    const signed = op === FmtOp.Signed || op === FmtOp.SignedDecWidth;
    if (t.kind === 'bool') return this.convert(this.value(x), t, U64);
    const it = asInt(t);
    const v = this.value(x);
    if (it.bits === 64) return v;
    return this.b.cast(signed && it.signed ? 'sext' : 'zext', irType(t), v, 'i64');
  }

  /**
   * The names of an enum's members, emitted once per enum and only when a message prints
   * one: [address of the enum's name, count, then (value, address of name) per member].
   */
  private enumTable(info: EnumInfo): string {
    let name = this.enumTables.get(info);
    if (name) return name;
    name = `@.enum.${info.name}.${this.enumTables.size}`;
    const str = (s: string) => this.mod.stringConstant([...Buffer.from(s, 'utf8'), 0], 8);
    const words = [`ptr ${str(info.name)}`, `i64 ${info.members.size}`];
    for (const [member, v] of info.members) words.push(`i64 ${BigInt.asUintN(32, v)}`, `ptr ${str(member)}`);
    const ty = `<{ ${words.map((w) => w.split(' ')[0]).join(', ')} }>`;
    this.mod.global(name, { type: ty, init: `<{ ${words.join(', ')} }>`, constant: true, align: 8, linkage: 'private' });
    this.enumTables.set(info, name);
    return name;
  }
}

/** The description bytes of a plan (without the final NUL). */
function describe(parts: FmtPart[]): number[] {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      for (const byte of Buffer.from(p, 'utf8')) {
        out.push(byte);
        if (byte === FMT_MARK) out.push(FMT_MARK);
      }
      continue;
    }
    out.push(FMT_MARK, p.op);
    if (p.width !== undefined) out.push(p.width);
  }
  return out;
}

