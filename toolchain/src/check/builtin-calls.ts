// Builtin calls: the typing of the generic builtins (sizeof, cast, load, asm, ...) that
// the table in builtins.ts marks as special; the atomics are typed by atomics.ts; every
// other builtin is checked against its signature in that table.
import * as ts from 'typescript';
import {
  Type, BOOL, VOID, NEVER, ERROR, CSTR, WSTR, FMT, U8, U16, U64, I64, USIZE, ISIZE, ptrTo, isIntegral, isScalar, sameType,
  typeName, sizeOf, alignOf,
} from './types';
import { ATOMICS, builtinSignature } from './builtins';
import { checkAtomicCall } from './atomics';
import { EMBED_RESULT, readEmbedded } from './embed';
import { inOptionalChain } from './chains';
import { FormatChecker } from './format';

const TS = ts.SyntaxKind;

export abstract class BuiltinCallChecker extends FormatChecker {
  /** `slice(p, n)` (slices.ts). */
  protected abstract sliceCall(e: ts.CallExpression, typeArg: Type | undefined): Type;

  protected builtinCall(e: ts.CallExpression, name: string): Type {
    const typeArgs = (e.typeArguments ?? []).map((t) => (t.kind === TS.VoidKeyword ? VOID : this.resolveType(t)));
    const typeArg = typeArgs[0];
    this.calls.set(e, { kind: 'builtin', name, typeArg });
    if (ATOMICS[name]) return checkAtomicCall(this, this.d, e, name, typeArg);
    // An intrinsic of the other architecture is reported by the lowering, and only when the
    // call is really emitted (a dead `if (target.x86_64)` branch may hold one).
    const sig = builtinSignature(name, this.target);
    if (sig.needsTypeArg && !typeArg) {
      this.d.error(e, `${name} needs a type argument, e.g. ${name}<u64>(...)`);
      e.arguments.forEach((a) => this.expr(a, undefined));
      return ERROR;
    }
    switch (name) {
      case 'sizeof': case 'alignof': {
        if (e.arguments.length) this.d.error(e, `${name}<T>() takes no arguments`);
        if (!typeArg || typeArg.kind === 'error') return USIZE;
        return this.setConst(e, BigInt(name === 'sizeof' ? sizeOf(typeArg) : alignOf(typeArg)), USIZE);
      }
      case 'offsetof': {
        const a = e.arguments[0];
        if (!typeArg || typeArg.kind !== 'struct' || !a || !ts.isStringLiteral(a)) {
          this.d.error(e, 'offsetof takes a struct type and a field name: offsetof<EfiTableHeader>("CRC32")');
          return USIZE;
        }
        const f = this.field(typeArg.info, a.text);
        if (!f) { this.d.error(a, `struct ${typeArg.info.name} has no field '${a.text}'`); return USIZE; }
        return this.setConst(e, BigInt(f.offset), USIZE);
      }
      case 'embed': case 'embedSize': {
        const bytes = readEmbedded(e, this.d);
        if (!bytes) return ERROR;
        this.embedded.set(e, bytes);
        return name === 'embed' ? EMBED_RESULT : this.setConst(e, BigInt(bytes.length), USIZE);
      }
      case 'zeroed':
        if (e.arguments.length) this.d.error(e, 'zeroed<T>() takes no arguments');
        return typeArg ?? ERROR;
      case 'ptr': {
        this.args(e, [U64], 'ptr<T>(address)');
        return ptrTo(typeArg ?? ERROR);
      }
      case 'cast': {
        const a = e.arguments[0];
        if (e.arguments.length !== 1) {
          this.d.error(e, 'cast<T>(p) takes one pointer');
          return ptrTo(typeArg ?? ERROR);
        }
        const t = this.expr(a, undefined);
        if (!(t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fmt' || t.kind === 'null' || t.kind === 'fn'
          || t.kind === 'error')) {
          const hint = isIntegral(t) ? `; make a pointer from an address with ptr<T>(x)` : '';
          this.d.error(a, `cast<T>(p) reinterprets pointers, not ${typeName(t)}${hint}`);
        }
        return ptrTo(typeArg ?? ERROR);
      }
      case 'asCstr': case 'asWstr': {
        // The text a pointer points at, as tsc sees it: NUL-terminated UTF-8 (cstr) or UTF-16 (wstr).
        const wide = name === 'asWstr';
        const unit = wide ? 'Ptr<u16>' : 'Ptr<u8>';
        if (e.arguments.length !== 1) { this.d.error(e, `${name}(p) takes one ${unit}`); return wide ? WSTR : CSTR; }
        const t = this.expr(e.arguments[0], undefined);
        const ok = t.kind === 'error' || t.kind === 'null'
          || (t.kind === 'ptr' && (t.to.kind === 'void' || sameType(t.to, wide ? U16 : U8)));
        if (!ok) this.d.error(e.arguments[0], `${name}(p) takes a ${unit}, not ${typeName(t)}`);
        return wide ? WSTR : CSTR;
      }
      case 'addr': {
        const a = e.arguments[0];
        if (e.arguments.length !== 1) { this.d.error(e, 'addr(p) takes one pointer'); return U64; }
        const t = this.expr(a, undefined);
        if (!(t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fmt' || t.kind === 'fn' || t.kind === 'null'
          || t.kind === 'error')) {
          this.d.error(a, `addr(p) takes a pointer, not ${typeName(t)}`);
        }
        return U64;
      }
      case 'ptrAdd': case 'byteAdd': case 'ptrDiff': {
        if (e.arguments.length !== 2) { this.d.error(e, `${name} takes two arguments`); return ERROR; }
        const pt = this.expr(e.arguments[0], undefined);
        if (pt.kind !== 'ptr' && pt.kind !== 'error') {
          this.d.error(e.arguments[0], `${name} needs a Ptr<T>, not ${typeName(pt)}`);
          return ERROR;
        }
        if (name === 'ptrDiff') {
          const qt = this.expr(e.arguments[1], pt);
          this.assignable(e.arguments[1], qt, pt);
          return ISIZE;
        }
        const nt = this.expr(e.arguments[1], I64);
        if (nt.kind === 'untyped') this.settle(e.arguments[1], I64);
        else if (!isIntegral(nt) && nt.kind !== 'error') {
          this.d.error(e.arguments[1], `${name} needs an integer count, not ${typeName(nt)}`);
        }
        if (name === 'ptrAdd' && pt.kind === 'ptr' && pt.to.kind === 'void') {
          this.d.error(e, 'ptrAdd on Ptr<void> has no element size; use byteAdd');
        }
        return pt;
      }
      case 'addressOf': {
        const a = e.arguments[0];
        if (e.arguments.length !== 1) { this.d.error(e, 'addressOf(place) takes one argument'); return ERROR; }
        const t = this.expr(a, undefined);
        if (t.kind === 'error') return ERROR;
        if (ts.isIdentifier(a) && this.entityOf(a)?.kind === 'func') return ptrTo(t);
        if (inOptionalChain(a)) {
          this.d.error(a, 'an optional chain has no address (when it short-circuits there is no storage); '
            + 'test the pointer first, e.g. `if (p != null) addressOf(p.x)`');
          return ERROR;
        }
        if (!this.isPlace(a)) {
          this.d.error(a, 'addressOf needs a variable, field or element; constants and temporaries have no address');
          return ERROR;
        }
        // addressOf<T>(x): tsc accepts any T for a number, so the compiler checks it (a class
        // may name its base: addressOf<Base>(this)).
        if (typeArg && typeArg.kind !== 'error' && !this.implicitly(ptrTo(t), ptrTo(typeArg))) {
          this.d.error(e, `addressOf<${typeName(typeArg)}> of a ${typeName(t)}: the type argument must be the `
            + `place's type (or a base class of it); write addressOf(x)`);
          return ERROR;
        }
        return ptrTo(typeArg ?? t);
      }
      case 'load': case 'loadVolatile': {
        this.args(e, [U64], `${name}<T>(address)`);
        if (typeArg && !this.isScalarOrErr(typeArg)) {
          this.d.error(e, `${name} reads scalars (integers, bool, pointers); read a struct through a Ptr<T>`);
        }
        return typeArg ?? ERROR;
      }
      case 'store': case 'storeVolatile': {
        if (!typeArg) return VOID;
        if (!this.isScalarOrErr(typeArg)) {
          this.d.error(e, `${name} writes scalars (integers, bool, pointers); write a struct through a Ptr<T>`);
        }
        this.args(e, [U64, typeArg], `${name}<T>(address, value)`);
        return VOID;
      }
      case 'asm': {
        const [tmpl, cons, ...ops] = e.arguments;
        if (!tmpl || !cons || !ts.isStringLiteralLike(tmpl) || !ts.isStringLiteralLike(cons)) {
          this.d.error(e,
            'asm takes a template and a constraint string, both string literals: asm<u64>("mov %cr3, $0", "=r")');
        }
        for (const o of ops) {
          const t = this.expr(o, undefined);
          if (t.kind === 'untyped') this.d.error(o, 'give an asm operand a type, e.g. u64(1)');
          else if (!this.isScalarOrErr(t)) this.d.error(o, `asm operands are scalars, not ${typeName(t)}`);
        }
        const rt = typeArg ?? VOID;
        if (rt.kind !== 'void' && !this.isScalarOrErr(rt)) {
          this.d.error(e, `asm returns a scalar or void, not ${typeName(rt)}`);
        }
        return rt;
      }
      case 'mrs': case 'msr': {
        const r = e.arguments[0];
        if (!r || !ts.isStringLiteral(r) || !/^[A-Za-z0-9_]+$/.test(r.text)) {
          const example = `${name}("SCTLR_EL1"${name === 'msr' ? ', v' : ''})`;
          this.d.error(e, `${name} takes a system register name as a string literal, e.g. ${example}`);
          return name === 'mrs' ? U64 : VOID;
        }
        if (name === 'msr') {
          if (e.arguments.length !== 2) { this.d.error(e, 'msr takes a register name and a value'); return VOID; }
          this.assignable(e.arguments[1], this.expr(e.arguments[1], U64), U64, 'argument');
          return VOID;
        }
        if (e.arguments.length !== 1) this.d.error(e, 'mrs takes a register name');
        return U64;
      }
      case 'slice': return this.sliceCall(e, typeArg);
      case 'panic': {
        this.args(e, [FMT], 'panic(msg)');
        return NEVER;
      }
      case 'assert': {
        this.args(e, [BOOL, FMT], 'assert(cond, msg?)', 1);
        return VOID;
      }
      default: {
        this.args(e, sig.params, `${name}`);
        return sig.ret;
      }
    }
  }

  private isScalarOrErr(t: Type): boolean {
    return isScalar(t) || t.kind === 'error';
  }
}
