// How the program's own functions pass struct and array values (check/aggregates.ts says
// where they may appear). As C compilers do for large aggregates: the result goes through
// a hidden first parameter pointing at storage the caller provides (`sret`), and each
// aggregate parameter is a pointer to a copy the caller made, which the callee owns (it
// may assign to its parameter without changing the caller's value). Scalars travel as
// IR values. Efiapi, external and @symbol functions never have aggregates here.
import { Type, FnType, isAggregate, irType, sizeOf, alignOf } from '../check/types';

/** Whether the result of a function of this type travels through a hidden pointer. */
export function returnsByPointer(t: FnType): boolean { return isAggregate(t.ret); }

/**
 * Whether a value of type p, a parameter or the result of a function of type t, is UEFI's
 * BOOLEAN: a bool crossing an Efiapi boundary is a UINT8 holding 0 or 1, passed as clang
 * passes a C BOOLEAN there, `i8` with no extension attribute (neither the Microsoft x64
 * convention nor AAPCS64 defines the bits above the byte, so neither side relies on them).
 * Reading one, any value other than 0 is true, as in C.
 */
export function isEfiBool(p: Type, t: FnType): boolean { return t.efiapi && p.kind === 'bool'; }

/** The IR type a function of this type returns. */
export function irReturn(t: FnType): string {
  return returnsByPointer(t) ? 'void' : isEfiBool(t.ret, t) ? 'i8' : irType(t.ret);
}

/** The IR type of an aggregate's storage. */
export function irStorage(t: Type): string { return `[${sizeOf(t)} x i8]`; }

/** The hidden result parameter's type and attributes (the name or value follows). */
export function sretParam(t: FnType): string {
  return `ptr noalias sret(${irStorage(t.ret)}) align ${Math.max(1, alignOf(t.ret))}`;
}

/**
 * A parameter's IR type and attributes in a function of type t: an aggregate is a pointer
 * to the callee's own copy, a bool of an Efiapi function a BOOLEAN byte.
 */
export function irParam(p: Type, t?: FnType): string {
  if (t && isEfiBool(p, t)) return 'i8';
  return isAggregate(p) ? `ptr noalias align ${Math.max(1, alignOf(p))}` : irType(p);
}
