// Slices: `Slice<T>` is a pointer and an i64 length in 16 bytes of memory, like any struct,
// and like any struct it is passed to and returned from functions by value (abi.ts). Here:
// the bounds-checked `s[i]`, `slice(p, n)`, `s.sub(start, end)` and an Arr seen as a slice
// over itself.
import * as ts from 'typescript';
import { Type, ArrayType, irType } from '../check/types';
import { Place } from './state';
import { MemoryLowerer } from './memory';

export abstract class SliceLowerer extends MemoryLowerer {
  abstract panicAt(msg: string, node: ts.Node, msgValue?: string): void;

  /** A new slice (a stack temporary) of a pointer and an i64 length; its address. */
  private makeSlice(ptr: string, len: string): string {
    const tmp = this.b.alloca('[16 x i8]', 8);
    this.b.store('ptr', ptr, tmp, 8);
    this.b.store('i64', len, this.b.byteOffset(tmp, '8'), 8);
    return tmp;
  }

  /** The pointer and length of a Slice, or of an Arr place (its address and constant length). */
  sliceParts(e: ts.Expression): { ptr: string; len: string } {
    const t = this.c.types.get(e)!;
    if (t.kind === 'array') return { ptr: this.place(e).addr, len: String(t.len) };
    const a = this.value(e);
    return { ptr: this.b.load('ptr', a, 8), len: this.b.load('i64', this.b.byteOffset(a, '8'), 8) };
  }

  /** Panics with `msg` at node unless `ok`. */
  private checked(ok: string, msg: string, node: ts.Node): void {
    const yes = this.b.label('bounds.ok'), no = this.b.label('bounds.fail');
    this.b.condBr(ok, yes, no);
    this.b.startBlock(no);
    this.panicAt(msg, node);
    this.b.startBlock(yes);
  }

  /** `s[i]`: the element's address, after checking 0 <= i < s.length (a negative i is huge as u64). */
  sliceElement(e: ts.ElementAccessExpression, elem: Type): Place {
    const { ptr, len } = this.sliceParts(e.expression);
    const i = this.index(e.argumentExpression);
    this.checked(this.b.icmp('ult', 'i64', i, len), 'slice index out of range', e);
    return { addr: this.b.elemOffset(this.elemType(elem), ptr, i, true), type: elem };
  }

  /** `slice(p, n)` and `s.sub(start, end)`: the address of the new slice. */
  sliceCall(e: ts.CallExpression, name: string, t: Type): string {
    const elem = this.elemType((t.kind === 'struct' && t.info.slice) || t);
    if (name === 'slice') return this.makeSlice(this.value(e.arguments[0]), this.index(e.arguments[1]));
    const { ptr, len } = this.sliceParts((e.expression as ts.PropertyAccessExpression).expression);
    const start = this.index(e.arguments[0]);
    const end = this.index(e.arguments[1]);
    const ordered = this.b.icmp('ule', 'i64', start, end);
    const inside = this.b.icmp('ule', 'i64', end, len);
    this.checked(this.b.binop('and', 'i1', ordered, inside), 'slice range out of bounds', e);
    return this.makeSlice(this.b.elemOffset(elem, ptr, start, true), this.b.binop('sub', 'i64', end, start));
  }

  /** An Arr at `addr` as a Slice over itself. */
  arrayAsSlice(addr: string, t: ArrayType): string { return this.makeSlice(addr, String(t.len)); }
}
