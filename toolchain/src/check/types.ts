// The subset's type model. Types are plain objects; structural helpers below decide
// equality, layout and how each type is represented in LLVM IR.
import * as ts from 'typescript';

export type IntBits = 8 | 16 | 32 | 64;

export interface IntType { kind: 'int'; bits: IntBits; signed: boolean; name: string }
export interface BoolType { kind: 'bool' }
export interface VoidType { kind: 'void' }
export interface NeverType { kind: 'never' }
/** `to` is VOID for Ptr<void>. */
export interface PtrType { kind: 'ptr'; to: Type }
export interface StrType { kind: 'str'; wide: boolean }
/** A formatted message (check/format.ts): a pointer to a description and its arguments. */
export interface FmtType { kind: 'fmt' }
export interface ArrayType { kind: 'array'; elem: Type; len: number }
/**
 * `method`: an `EfiMethod<F>` (a protocol function whose first parameter is the protocol
 * pointer), which a call may pass implicitly (check/classes.ts). Not part of the identity.
 */
export interface FnType { kind: 'fn'; params: Type[]; ret: Type; efiapi: boolean; method?: boolean }
export interface StructType { kind: 'struct'; info: StructInfo }
export interface EnumType { kind: 'enum'; info: EnumInfo }
/** An integer constant that has not met a context yet. */
export interface UntypedType { kind: 'untyped' }
export interface NullType { kind: 'null' }
/** After an error: silences follow-on diagnostics. */
export interface ErrorType { kind: 'error' }

export type Type = IntType | BoolType | VoidType | NeverType | PtrType | StrType | FmtType | ArrayType | FnType
  | StructType | EnumType | UntypedType | NullType | ErrorType;

export interface Field {
  name: string;
  type: Type;
  offset: number;
  node: ts.Node;
  /** Written `readonly`: set only by an initialiser (or its class's constructor). */
  readonly: boolean;
  /** A class field written `private` or `protected`, and the class (struct) that declares it. */
  access?: 'private' | 'protected';
  owner?: StructInfo;
}

export interface StructInfo {
  name: string;
  packed: boolean;
  fields: Field[];
  size: number;
  align: number;
  /** An `interface X extends Struct`, or a class (check/classes.ts). */
  node: ts.InterfaceDeclaration | ts.ClassDeclaration;
  /** Layout is computed lazily so that structs can point at each other. */
  state: 'new' | 'busy' | 'done';
  /** For `Slice<T>`: T (a slice is a struct of a pointer and a length, check/slices.ts). */
  slice?: Type;
  /** For an instance of a generic struct: its type arguments. */
  typeArgs?: Type[];
}

export interface EnumInfo {
  name: string;
  members: Map<string, bigint>;
  node: ts.EnumDeclaration;
  /** The integer type that stores it: u32 unless written `@repr T` (check/attributes.ts). */
  repr: IntType;
}

const int = (bits: IntBits, signed: boolean, name: string): IntType => ({ kind: 'int', bits, signed, name });

export const U8 = int(8, false, 'u8');
export const U16 = int(16, false, 'u16');
export const U32 = int(32, false, 'u32');
export const U64 = int(64, false, 'u64');
export const I8 = int(8, true, 'i8');
export const I16 = int(16, true, 'i16');
export const I32 = int(32, true, 'i32');
export const I64 = int(64, true, 'i64');
export const USIZE = int(64, false, 'usize');
export const ISIZE = int(64, true, 'isize');
export const BOOL: BoolType = { kind: 'bool' };
export const VOID: VoidType = { kind: 'void' };
export const NEVER: NeverType = { kind: 'never' };
export const UNTYPED: UntypedType = { kind: 'untyped' };
export const NULL: NullType = { kind: 'null' };
export const ERROR: ErrorType = { kind: 'error' };
export const CSTR: StrType = { kind: 'str', wide: false };
export const WSTR: StrType = { kind: 'str', wide: true };
export const FMT: FmtType = { kind: 'fmt' };

export const INT_TYPES: Record<string, IntType> = {
  u8: U8, u16: U16, u32: U32, u64: U64, i8: I8, i16: I16, i32: I32, i64: I64, usize: USIZE, isize: ISIZE,
};

export const ptrTo = (to: Type): PtrType => ({ kind: 'ptr', to });

export function isInt(t: Type): t is IntType { return t.kind === 'int'; }
/** Types that behave as integers in arithmetic (enums convert to their representation, u32 by default). */
export function isIntegral(t: Type): boolean { return t.kind === 'int' || t.kind === 'enum' || t.kind === 'untyped'; }
export function isPointerLike(t: Type): boolean {
  return t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn' || t.kind === 'null';
}
export function isScalar(t: Type): boolean {
  return t.kind === 'int' || t.kind === 'bool' || t.kind === 'enum' || isPointerLike(t) && t.kind !== 'null';
}
export function isAggregate(t: Type): boolean { return t.kind === 'struct' || t.kind === 'array'; }

/** The struct whose fields `x.f` reads: a struct value's, or the target of a Ptr<struct>. */
export function structOf(t: Type): StructInfo | undefined {
  return t.kind === 'struct' ? t.info : t.kind === 'ptr' && t.to.kind === 'struct' ? t.to.info : undefined;
}

/** The integer type an integral value computes in. */
export function asInt(t: Type): IntType { return t.kind === 'enum' ? t.info.repr : (t as IntType); }

export function intMin(t: IntType): bigint { return t.signed ? -(1n << BigInt(t.bits - 1)) : 0n; }
export function intMax(t: IntType): bigint {
  return t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
}

/** Wraps an exact value to the type's width and signedness. */
export function wrap(v: bigint, t: IntType): bigint {
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}

export function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'int': { const o = b as IntType; return a.bits === o.bits && a.signed === o.signed; }
    case 'ptr': return sameType(a.to, (b as PtrType).to);
    case 'str': return a.wide === (b as StrType).wide;
    case 'array': { const o = b as ArrayType; return a.len === o.len && sameType(a.elem, o.elem); }
    case 'fn': {
      const o = b as FnType;
      return a.efiapi === o.efiapi && sameType(a.ret, o.ret) && a.params.length === o.params.length
        && a.params.every((p, i) => sameType(p, o.params[i]));
    }
    case 'struct': return a.info === (b as StructType).info;
    case 'enum': return a.info === (b as EnumType).info;
    default: return true;
  }
}

/** Lossless implicit widening between integer types. */
export function widens(from: IntType, to: IntType): boolean {
  if (from.signed === to.signed) return to.bits >= from.bits;
  if (!from.signed && to.signed) return to.bits > from.bits;
  return false;
}

export function typeName(t: Type): string {
  switch (t.kind) {
    case 'int': return t.name;
    case 'bool': return 'bool';
    case 'void': return 'void';
    case 'never': return 'never';
    case 'ptr': return `Ptr<${typeName(t.to)}>`;
    case 'str': return t.wide ? 'wstr' : 'cstr';
    case 'fmt': return 'Fmt';
    case 'array': return `Arr<${typeName(t.elem)}, ${t.len}>`;
    case 'fn': {
      const sig = `(${t.params.map(typeName).join(', ')}) => ${typeName(t.ret)}`;
      return t.efiapi ? `Efiapi<${sig}>` : sig;
    }
    case 'struct': return t.info.name;
    case 'enum': return t.info.name;
    case 'untyped': return 'integer constant';
    case 'null': return 'null';
    case 'error': return '<error>';
  }
}

// ---- layout ----------------------------------------------------------------------------

export function sizeOf(t: Type): number {
  switch (t.kind) {
    case 'int': return t.bits / 8;
    case 'bool': return 1;
    case 'enum': return t.info.repr.bits / 8;
    case 'ptr': case 'str': case 'fmt': case 'fn': case 'null': return 8;
    case 'array': return sizeOf(t.elem) * t.len;
    case 'struct': return t.info.size;
    default: return 0;
  }
}

export function alignOf(t: Type): number {
  switch (t.kind) {
    case 'array': return alignOf(t.elem);
    case 'struct': return t.info.align;
    default: return Math.max(1, sizeOf(t));
  }
}

// ---- LLVM representation ---------------------------------------------------------------

/** The type of a value in a register. */
export function irType(t: Type): string {
  switch (t.kind) {
    case 'int': return `i${t.bits}`;
    case 'bool': return 'i1';
    case 'enum': return `i${t.info.repr.bits}`;
    case 'ptr': case 'str': case 'fmt': case 'fn': case 'null': return 'ptr';
    case 'void': case 'never': return 'void';
    case 'array': case 'struct': return `[${sizeOf(t)} x i8]`;
    default: return 'i64';
  }
}

/** The type of a value in memory (bool is a byte there, as C's _Bool). */
export function irMemType(t: Type): string {
  return t.kind === 'bool' ? 'i8' : irType(t);
}
