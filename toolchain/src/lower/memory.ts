// Places and memory: the address of a variable, field or element, scalar loads and stores
// (bool is a byte in memory, as C's _Bool), aggregate copies and zeroing, and assignment
// of a value to a place.
import * as ts from 'typescript';
import { Type, U8, isIntegral, isAggregate, sizeOf, alignOf, irMemType, structOf } from '../check/types';
import { Place } from './state';
import { fieldValue } from '../check/exprs';
import { GlobalLowerer } from './globals';

export abstract class MemoryLowerer extends GlobalLowerer {
  /** An index or count as i64 (sign- or zero-extended by its type). */
  abstract index(e: ts.Expression): string;
  /** Constructs `new C(...)` in place at addr (lower/classes.ts). */
  abstract construct(addr: string, e: ts.NewExpression): void;
  /** `s[i]` on a Slice, bounds-checked (slices.ts). */
  abstract sliceElement(e: ts.ElementAccessExpression, elem: Type): Place;
  /** The null exits of the optional chains being lowered, innermost last (check/chains.ts). */
  protected chainExits: string[] = [];

  /** At a `?.`: leaves the innermost optional chain (its value is the zero) when p is null. */
  protected nullExit(p: string): void {
    const ok = this.b.label('chain.ok');
    this.b.condBr(this.b.icmp('eq', 'ptr', p, 'null'), this.chainExits[this.chainExits.length - 1], ok);
    this.b.startBlock(ok);
  }

  place(e: ts.Expression): Place {
    while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    const t = this.c.types.get(e)!;
    const k = e.kind;
    if (k === ts.SyntaxKind.ThisKeyword || k === ts.SyntaxKind.SuperKeyword) return { addr: this.thisPtr, type: t };
    const member = this.c.staticRefs.get(e);
    if (member?.kind === 'global') return { addr: this.global(member), type: t };
    const named = ts.isIdentifier(e) ? this.symbolOf(e) : ts.isPropertyAccessExpression(e) ? this.c.namespaceMember(e)
      : undefined; // `x`, or `ns.x` after `import * as ns`
    if (named) {
      const sym = named;
      const ent = this.c.entities.get(sym);
      if (ent?.kind === 'local') return { addr: this.locals.get(sym)!, type: t };
      if (ent?.kind === 'global') return { addr: this.global(ent), type: t };
    }
    if (ts.isPropertyAccessExpression(e)) {
      const ot = this.c.types.get(e.expression)!;
      const info = structOf(ot);
      const f = info && this.c.field(info, e.name.text);
      if (f) {
        const base = ot.kind === 'ptr' ? this.value(e.expression) : this.place(e.expression).addr;
        if (e.questionDotToken) this.nullExit(base);
        return { addr: f.offset ? this.b.byteOffset(base, String(f.offset), true) : base, type: f.type };
      }
    }
    if (ts.isElementAccessExpression(e)) {
      const ot = this.c.types.get(e.expression)!;
      if (ot.kind === 'struct' && ot.info.slice) return this.sliceElement(e, ot.info.slice);
      const base = ot.kind === 'ptr' ? this.value(e.expression) : this.place(e.expression).addr;
      if (e.questionDotToken) this.nullExit(base);
      const elem = ot.kind === 'ptr' ? ot.to : ot.kind === 'array' ? ot.elem : U8;
      const idx = this.index(e.argumentExpression);
      const c = this.c.consts.get(e.argumentExpression);
      if (c === 0n) return { addr: base, type: elem };
      return { addr: this.b.elemOffset(this.elemType(elem), base, idx, true), type: elem };
    }
    // An aggregate that a call or an assignment left in storage: its value is that address.
    if (isAggregate(t) && !ts.isObjectLiteralExpression(e) && !ts.isArrayLiteralExpression(e) && !this.isZeroed(e)
      && !ts.isNewExpression(e)) {
      return { addr: this.value(e), type: t };
    }
    // A temporary aggregate (a literal, zeroed<T>(), `new C()` as `new C().m()`): materialise it.
    const tmp = this.b.alloca(irMemType(t), Math.max(1, alignOf(t)));
    this.assignTo({ addr: tmp, type: t }, e);
    return { addr: tmp, type: t };
  }

  /** An element type for getelementptr scaling: its size is what matters. */
  elemType(t: Type): string {
    return t.kind === 'struct' || t.kind === 'array' ? `[${sizeOf(t)} x i8]` : irMemType(t);
  }

  // ---- loads, stores and copies -------------------------------------------------------

  loadScalar(t: Type, addr: string, isVolatile = false): string {
    const a = Math.max(1, alignOf(t));
    if (t.kind === 'bool') {
      const v = this.b.load('i8', addr, 1, isVolatile);
      return this.b.cast('trunc', 'i8', v, 'i1');
    }
    return this.b.load(irMemType(t), addr, a, isVolatile);
  }

  storeScalar(t: Type, v: string, addr: string, isVolatile = false): void {
    if (t.kind === 'bool') {
      const x = this.b.cast('zext', 'i1', v, 'i8');
      this.b.store('i8', x, addr, 1, isVolatile);
      return;
    }
    this.b.store(irMemType(t), v, addr, Math.max(1, alignOf(t)), isVolatile);
  }

  memcpy(dst: string, src: string, n: number): void {
    this.mod.declareRaw('llvm.memcpy', 'declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)');
    this.b.call('void', '@llvm.memcpy.p0.p0.i64', [`ptr ${dst}`, `ptr ${src}`, `i64 ${n}`, 'i1 false']);
  }

  zero(addr: string, t: Type): void {
    if (t.kind === 'struct' || t.kind === 'array') {
      this.mod.declareRaw('llvm.memset', 'declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)');
      this.b.call('void', '@llvm.memset.p0.i64', [`ptr ${addr}`, 'i8 0', `i64 ${sizeOf(t)}`, 'i1 false']);
    } else this.storeScalar(t, t.kind === 'bool' ? 'false' : isIntegral(t) ? '0' : 'null', addr);
  }

  /** Stores the value of `e` into a place, copying aggregates. */
  assignTo(p: Place, e: ts.Expression): void {
    const t = p.type;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (t.kind === 'struct' || t.kind === 'array') {
      if (ts.isObjectLiteralExpression(e) && t.kind === 'struct') {
        this.zero(p.addr, t);
        for (const prop of e.properties) {
          if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) continue;
          const f = this.c.field(t.info, (prop.name as ts.Identifier).text)!;
          const addr = f.offset ? this.b.byteOffset(p.addr, String(f.offset)) : p.addr;
          this.assignTo({ addr, type: f.type }, fieldValue(prop));
        }
        return;
      }
      if (ts.isArrayLiteralExpression(e) && t.kind === 'array') {
        this.zero(p.addr, t);
        e.elements.forEach((x, i) => {
          const at = i ? this.b.byteOffset(p.addr, String(i * sizeOf(t.elem))) : p.addr;
          this.assignTo({ addr: at, type: t.elem }, x);
        });
        return;
      }
      if (ts.isNewExpression(e)) {
        this.construct(p.addr, e);
        return;
      }
      if (this.isZeroed(e)) {
        this.zero(p.addr, t);
        return;
      }
      if (t.kind === 'struct' && t.info.slice) {
        // A slice is made by a call, converted from an Arr or copied: value() gives its address.
        const v = this.value(e, t);
        if (v !== p.addr) this.memcpy(p.addr, v, sizeOf(t));
        return;
      }
      const src = this.place(e);
      if (src.addr !== p.addr) this.memcpy(p.addr, src.addr, sizeOf(t));
      return;
    }
    this.storeScalar(t, this.value(e, t), p.addr);
  }

  private isZeroed(e: ts.Expression): boolean {
    const k = ts.isCallExpression(e) ? this.c.calls.get(e) : undefined;
    return k?.kind === 'builtin' && k.name === 'zeroed';
  }

  protected loadPlace(e: ts.Expression, t: Type): string {
    const p = this.place(e);
    if (t.kind === 'struct' || t.kind === 'array') return p.addr;
    return this.loadScalar(t, p.addr);
  }
}
