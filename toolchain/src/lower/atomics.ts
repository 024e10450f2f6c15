// Lowering of the atomic builtins (checked in check/atomics.ts) to LLVM's atomic
// instructions. The object is accessed at its natural alignment, with its memory type
// (a bool is a byte). clang then picks the machine code: on x86_64 `lock cmpxchg`,
// `lock xadd`, `xchg` and plain moves (a seq_cst store is an `xchg`); on aarch64 (ARMv8.0,
// no LSE) `ldar`/`stlr` and `ldaxr`/`stlxr` loops, with `dmb ish` for fences.
import * as ts from 'typescript';
import { LowerState } from './state';
import { ATOMICS, AtomicOrder } from '../check/builtins';
import { defaultFailureOrder } from '../check/atomics';
import { Type, ERROR, alignOf, irMemType } from '../check/types';

/** LLVM spells C's relaxed ordering "monotonic". */
function llvmOrder(o: AtomicOrder): string {
  return o === 'relaxed' ? 'monotonic' : o;
}

function orderOf(a: ts.Expression): AtomicOrder {
  return (a as ts.StringLiteral).text as AtomicOrder;
}

export function lowerAtomic(L: LowerState, e: ts.CallExpression, name: string): string {
  const b = L.b;
  const spec = ATOMICS[name];
  const args = e.arguments;
  if (spec.op === 'fence') { b.fence(llvmOrder(orderOf(args[0]))); return ''; }

  const pt = L.c.types.get(args[0])!;
  const elem: Type = pt.kind === 'ptr' ? pt.to : ERROR;
  const isBool = elem.kind === 'bool';
  const ty = irMemType(elem);
  const align = Math.max(1, alignOf(elem));
  const p = L.value(args[0]);
  // bool values are i1 in registers and a byte in memory.
  const toMem = (v: string) => (isBool ? b.cast('zext', 'i1', v, 'i8') : v);
  const fromMem = (v: string) => (isBool ? b.icmp('ne', 'i8', v, '0') : v);
  const operand = (i: number) => toMem(L.value(args[i], elem));

  switch (spec.op) {
    case 'load':
      return fromMem(b.atomicLoad(ty, p, llvmOrder(orderOf(args[1])), align));
    case 'store':
      b.atomicStore(ty, operand(1), p, llvmOrder(orderOf(args[2])), align);
      return '';
    case 'cmpxchg': {
      const expected = operand(1);
      const desired = operand(2);
      const success = orderOf(args[3]);
      const failure = args[4] ? orderOf(args[4]) : defaultFailureOrder(success);
      return fromMem(b.cmpxchg(ty, p, expected, desired, llvmOrder(success), llvmOrder(failure), align));
    }
    default:
      return fromMem(b.atomicRmw(spec.op, ty, p, operand(1), llvmOrder(orderOf(args[2])), align));
  }
}
