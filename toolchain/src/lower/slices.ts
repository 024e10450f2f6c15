// Slices: `Slice<T>` is a pointer and an i64 length in 16 bytes of memory, like any struct,
// but it is passed to and returned from functions as one `{ ptr, i64 }` IR value (two
// registers). Here: the bounds-checked `s[i]`, `slice(p, n)`, `s.sub(start, end)`, an Arr
// seen as a slice over itself, and the conversions at calls and returns.
import * as ts from 'typescript';
import { Type, ArrayType, irType } from '../check/types';
import { Place } from './state';
import { MemoryLowerer } from './memory';

/** How a slice travels in a call or a return. */
const SLICE_IR = '{ ptr, i64 }';

const isSlice = (t: Type): boolean => t.kind === 'struct' && !!t.info.slice;

/** The IR type of a parameter or result of type t. */
export function passType(t: Type): string { return isSlice(t) ? SLICE_IR : irType(t); }

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

  /** The value of an argument or a result as it is passed: a slice is loaded into one IR value. */
  passValue(e: ts.Expression, t: Type): string {
    const v = this.value(e, t);
    return isSlice(t) ? this.b.load(SLICE_IR, v, 8) : v;
  }

  /** A value as received from a call: a slice is stored to a temporary (slices are addresses here). */
  received(v: string, t: Type): string {
    if (!isSlice(t)) return v;
    const tmp = this.b.alloca('[16 x i8]', 8);
    this.b.store(SLICE_IR, v, tmp, 8);
    return tmp;
  }

  /** Stores an incoming parameter into its stack slot. */
  storeParam(t: Type, v: string, slot: string): void {
    if (isSlice(t)) this.b.store(SLICE_IR, v, slot, 8);
    else this.storeScalar(t, v, slot);
  }
}
