// The differential fuzzer's model: integer types, the program tree both renderings share,
// the random numbers, and tsboot's integer semantics spelled out for the C oracle (the same
// semantics in BigInt, for constant trees, are in constants.ts).

export type TyName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';

export interface Ty { name: TyName; bits: number; signed: boolean }

export const TYPES: Ty[] = [
  { name: 'u8', bits: 8, signed: false }, { name: 'u16', bits: 16, signed: false },
  { name: 'u32', bits: 32, signed: false }, { name: 'u64', bits: 64, signed: false },
  { name: 'i8', bits: 8, signed: true }, { name: 'i16', bits: 16, signed: true },
  { name: 'i32', bits: 32, signed: true }, { name: 'i64', bits: 64, signed: true },
];
export const TY: Record<TyName, Ty> = Object.fromEntries(TYPES.map((t) => [t.name, t])) as Record<TyName, Ty>;

export function tyMin(t: Ty): bigint { return t.signed ? -(1n << BigInt(t.bits - 1)) : 0n; }
export function tyMax(t: Ty): bigint { return t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n; }
/** Two's-complement wrap of an exact integer into t's range. */
export function wrap(v: bigint, t: Ty): bigint { return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v); }
/** Lossless implicit widening per docs/language.md: u8 -> u16/i16/..., i8 -> i16/..., u32 -> i64. */
export function widensTo(s: Ty, t: Ty): boolean {
  if (s.name === t.name) return false;
  if (s.signed) return t.signed && t.bits > s.bits;
  return t.bits > s.bits;
}

// ---- deterministic random numbers -------------------------------------------------------

export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) ^ 0x9e3779b9; if (this.s === 0) this.s = 1; this.next32(); }
  /** mulberry32: small, fast, good enough for program shapes. */
  next32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return n <= 1 ? 0 : this.next32() % n; }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.next32() / 4294967296 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  big64(): bigint { return (BigInt(this.next32()) << 32n) | BigInt(this.next32()); }
  /** Picks an index by weights. */
  weighted(ws: number[]): number {
    const total = ws.reduce((a, b) => a + b, 0);
    let r = this.next32() % total;
    for (let i = 0; i < ws.length; i++) { if (r < ws[i]) return i; r -= ws[i]; }
    return ws.length - 1;
  }
}

/** Mixes a base seed and a program index into one 32-bit seed. */
export function programSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Values that tend to expose bugs: edges, powers of two and their neighbours, small numbers. */
export function interesting(r: Rng, t: Ty): bigint {
  switch (r.int(8)) {
    case 0: return r.pick([0n, 1n, 2n, 3n, 7n]);
    case 1: return r.pick([tyMin(t), tyMax(t), tyMin(t) + 1n, tyMax(t) - 1n]);
    case 2: return t.signed ? r.pick([-1n, -2n, -128n, -127n]) : r.pick([128n, 255n, 256n]);
    case 3: { const k = BigInt(r.int(t.bits)); return r.pick([1n << k, (1n << k) - 1n, (1n << k) + 1n, -(1n << k)]); }
    case 4: return BigInt(r.range(0, 100));
    default: return r.big64();
  }
}
export function valueOf(r: Rng, t: Ty): bigint { return wrap(interesting(r, t), t); }

// ---- the program tree -------------------------------------------------------------------

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>';
export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export const SHIFTS: readonly ArithOp[] = ['<<', '>>', '>>>'];

/** A tree of literals and operators of one type: folded at compile time. */
export type ConstTree =
  | { k: 'leaf'; v: bigint }
  | { k: 'op'; op: ArithOp; a: ConstTree; b: ConstTree }
  | { k: 'un'; op: '~' | '-'; a: ConstTree };

export type Expr =
  | { k: 'lit'; ty: Ty; v: bigint; hex: boolean; sep: boolean }
  | { k: 'convlit'; ty: Ty; v: bigint }                       // T(<untyped literal, maybe out of range>)
  | { k: 'const'; ty: Ty; name: string; v: bigint }            // an untyped module constant
  | { k: 'var'; ty: Ty; name: string; constant: boolean }      // constant: a scalar `const` global
  | { k: 'arr'; ty: Ty; name: string; len: number; idx: Expr } // global Arr<T,N> read
  | { k: 'widen'; ty: Ty; a: Expr }                            // implicit lossless widening
  | { k: 'conv'; ty: Ty; a: Expr }
  | { k: 'bin'; ty: Ty; op: ArithOp; a: Expr; b: Expr }
  | { k: 'un'; ty: Ty; op: '~' | '-'; a: Expr }
  | { k: 'tern'; ty: Ty; c: BExpr; a: Expr; b: Expr }
  // A generic call has a C name per instance (cfn); its type argument is written (targs) or
  // inferred, then from a first argument converted to exactly T.
  | { k: 'call'; ty: Ty; fn: string; args: Expr[]; cfn?: string; targs?: string; infer?: boolean }
  | { k: 'cfold'; ty: Ty; tree: ConstTree };

export type BExpr =
  | { k: 'cmp'; op: CmpOp; strict: boolean; a: Expr; b: Expr }
  | { k: 'logic'; op: '&&' | '||'; a: BExpr; b: BExpr }
  | { k: 'not'; a: BExpr }
  | { k: 'bvar'; name: string }
  | { k: 'tobool'; a: Expr };

/** True when e is structurally of its own type t: neither a bare literal nor a widened operand. */
export function exact(e: Expr): boolean { return e.k !== 'lit' && e.k !== 'const' && e.k !== 'widen'; }

export const OPNAME: Record<ArithOp, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'rem', '&': 'and', '|': 'or', '^': 'xor',
  '<<': 'shl', '>>': 'shr', '>>>': 'ushr',
};

/** The C helpers that define tsboot's integer semantics, one per (operation, type). */
export const C_PRELUDE: string = (() => {
  const L: string[] = ['/* tsboot integer semantics, spelled out without C undefined behaviour. */'];
  for (const t of TYPES) {
    const T = t.name;
    const U = `u${t.bits}`;
    const m = t.bits - 1;
    const min = t.signed ? `((${T})((u64)1 << ${m}))` : '0';
    for (const [op, sym] of [['add', '+'], ['sub', '-'], ['mul', '*'], ['and', '&'], ['or', '|'], ['xor', '^']]) {
      L.push(`static inline ${T} ${op}_${T}(${T} a, ${T} b) { return (${T})((u64)a ${sym} (u64)b); }`);
    }
    L.push(`static inline ${T} not_${T}(${T} a) { return (${T})~(u64)a; }`);
    // The std generics min, max, alignUp and alignDown (a power-of-two alignment).
    L.push(`static inline ${T} min_${T}(${T} a, ${T} b) { return a < b ? a : b; }`);
    L.push(`static inline ${T} max_${T}(${T} a, ${T} b) { return a > b ? a : b; }`);
    L.push(`static inline ${T} alignUp_${T}(${T} x, ${T} a) { return (${T})(((u64)x + (u64)a - 1) & ~((u64)a - 1)); }`);
    L.push(`static inline ${T} alignDown_${T}(${T} x, ${T} a) { return (${T})((u64)x & ~((u64)a - 1)); }`);
    L.push(`static inline ${T} neg_${T}(${T} a) { return (${T})(0 - (u64)a); }`);
    L.push(`static inline ${T} shl_${T}(${T} a, ${T} b) { return (${T})((u64)a << ((u64)b & ${m})); }`);
    L.push(`static inline ${T} ushr_${T}(${T} a, ${T} b) { return (${T})((${U})a >> ((u64)b & ${m})); }`);
    const zero = 'if (b == 0) tb_panic("fuzz.c", 0, "division by zero");';
    if (t.signed) {
      L.push(`static inline ${T} shr_${T}(${T} a, ${T} b) { return (${T})((i64)a >> ((u64)b & ${m})); }`);
      L.push(`static inline ${T} div_${T}(${T} a, ${T} b) { ${zero} if (a == ${min} && b == -1) return a; return (${T})(a / b); }`);
      L.push(`static inline ${T} rem_${T}(${T} a, ${T} b) { ${zero} if (b == -1) return 0; return (${T})(a % b); }`);
    } else {
      L.push(`static inline ${T} shr_${T}(${T} a, ${T} b) { return (${T})((${U})a >> ((u64)b & ${m})); }`);
      L.push(`static inline ${T} div_${T}(${T} a, ${T} b) { ${zero} return (${T})(a / b); }`);
      L.push(`static inline ${T} rem_${T}(${T} a, ${T} b) { ${zero} return (${T})(a % b); }`);
    }
  }
  return L.join('\n') + '\n';
})();
