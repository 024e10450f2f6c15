// The differential fuzzer's program generator.
//
// From a seed it builds one random integer program as a small tree and renders it twice:
// as a tsboot subset module and as freestanding C (tests/lib/crt.h). The C side spells out
// tsboot's defined semantics (docs/language.md) so that clang's undefined and
// implementation-defined corners never decide the result:
//   - every + - * & | ^ ~ and unary - is computed in uint64_t and truncated to the width
//     (no signed overflow, no int promotion surprises for u8/u16/i8/i16);
//   - shift counts are masked to the width; >> is arithmetic on signed, >>> always logical;
//   - division/remainder by zero calls tb_panic (exit 101), MIN / -1 is MIN and MIN % -1 is 0;
//   - literals are written as their exact two's-complement bit pattern.
// Expressions are free of side effects (functions called inside expressions never write
// globals or print), so C's unspecified operand evaluation order cannot matter. Side effects
// and the trace (printHex of every assigned value) happen at statement level only.

export type TyName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';

export interface Ty { name: TyName; bits: number; signed: boolean }

const TYPES: Ty[] = [
  { name: 'u8', bits: 8, signed: false }, { name: 'u16', bits: 16, signed: false },
  { name: 'u32', bits: 32, signed: false }, { name: 'u64', bits: 64, signed: false },
  { name: 'i8', bits: 8, signed: true }, { name: 'i16', bits: 16, signed: true },
  { name: 'i32', bits: 32, signed: true }, { name: 'i64', bits: 64, signed: true },
];
const TY: Record<TyName, Ty> = Object.fromEntries(TYPES.map((t) => [t.name, t])) as Record<TyName, Ty>;

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
function interesting(r: Rng, t: Ty): bigint {
  switch (r.int(8)) {
    case 0: return r.pick([0n, 1n, 2n, 3n, 7n]);
    case 1: return r.pick([tyMin(t), tyMax(t), tyMin(t) + 1n, tyMax(t) - 1n]);
    case 2: return t.signed ? r.pick([-1n, -2n, -128n, -127n]) : r.pick([128n, 255n, 256n]);
    case 3: { const k = BigInt(r.int(t.bits)); return r.pick([1n << k, (1n << k) - 1n, (1n << k) + 1n, -(1n << k)]); }
    case 4: return BigInt(r.range(0, 100));
    default: return r.big64();
  }
}
function valueOf(r: Rng, t: Ty): bigint { return wrap(interesting(r, t), t); }

// ---- the program tree -------------------------------------------------------------------

type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>';
type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

type Expr =
  | { k: 'lit'; ty: Ty; v: bigint; hex: boolean; sep: boolean }
  | { k: 'convlit'; ty: Ty; v: bigint }                       // T(<untyped literal, maybe out of range>)
  | { k: 'const'; ty: Ty; name: string; v: bigint }            // an untyped module constant, in a typed context
  | { k: 'var'; ty: Ty; name: string }
  | { k: 'arr'; ty: Ty; name: string; len: number; idx: Expr } // global Arr<T,N> read
  | { k: 'widen'; ty: Ty; a: Expr }                            // implicit lossless widening
  | { k: 'conv'; ty: Ty; a: Expr }
  | { k: 'bin'; ty: Ty; op: ArithOp; a: Expr; b: Expr }
  | { k: 'un'; ty: Ty; op: '~' | '-'; a: Expr }
  | { k: 'tern'; ty: Ty; c: BExpr; a: Expr; b: Expr }
  | { k: 'call'; ty: Ty; fn: string; args: Expr[] };

type BExpr =
  | { k: 'cmp'; op: CmpOp; strict: boolean; a: Expr; b: Expr }
  | { k: 'logic'; op: '&&' | '||'; a: BExpr; b: BExpr }
  | { k: 'not'; a: BExpr }
  | { k: 'bvar'; name: string }
  | { k: 'tobool'; a: Expr };

interface Var { name: string; ty: Ty; mutable: boolean; global: boolean }
interface BoolVar { name: string }
interface Fn { name: string; params: Var[]; ret: Ty }
interface ArrDecl { name: string; ty: Ty; len: number }

export interface GenOptions {
  /** Test functions per program (each is a block of traced statements). */
  tests?: number;
  /** Pure helper functions per program. */
  helpers?: number;
  /** Statements per test function (roughly). */
  statements?: number;
  /** Probability that the program ends with a deliberate division by zero (a panic). */
  panicChance?: number;
  /**
   * Write a literal LEFT operand as `T(lit)` instead of bare. A workaround switch for
   * tests/subset/exec/regress_literal_left_operand.ts, so the fuzzer can look for other bugs
   * while that one is open; off by default.
   */
  typedLeftLiterals?: boolean;
}

export interface GeneratedProgram {
  seed: number;
  subset: string;
  c: string;
  /** True when the program deliberately ends in a division-by-zero panic. */
  panics: boolean;
}

class Gen {
  private out: string[] = [];       // subset lines
  private cout: string[] = [];      // C lines
  private indent = 0;
  private uid = 0;
  private scopes: { vars: Var[]; bools: BoolVar[] }[] = [];
  private globals: Var[] = [];
  private arrays: ArrDecl[] = [];
  private consts: { name: string; v: bigint }[] = [];
  private fns: Fn[] = [];
  private inPure = false;
  private loopDepth = 0;
  private labels: string[] = [];
  private budget = 0;               // statements left in the current test function
  private traceId = 0;

  constructor(private r: Rng, private o: Required<GenOptions>) {}

  // --- emission helpers -----------------------------------------------------------------
  private line(ts: string, c: string): void {
    const pad = '  '.repeat(this.indent);
    this.out.push(pad + ts);
    this.cout.push(pad + c);
  }
  private fresh(p: string): string { return `${p}${this.uid++}`; }
  private ty(): Ty { return this.r.pick(TYPES); }

  private visibleVars(): Var[] {
    const vs: Var[] = [...this.globals];
    for (const s of this.scopes) vs.push(...s.vars);
    return vs;
  }
  private visibleBools(): BoolVar[] { return this.scopes.flatMap((s) => s.bools); }
  private declare(v: Var): void { this.scopes[this.scopes.length - 1].vars.push(v); }

  // --- expressions ------------------------------------------------------------------------
  private lit(t: Ty, v?: bigint): Expr {
    return { k: 'lit', ty: t, v: v ?? valueOf(this.r, t), hex: this.r.chance(0.4), sep: this.r.chance(0.15) };
  }

  private nonzeroLit(t: Ty): Expr {
    let v = valueOf(this.r, t);
    if (v === 0n) v = t.signed ? -1n : 1n;
    return this.lit(t, v);
  }

  /** An expression of exactly type t (after implicit widening). */
  expr(t: Ty, depth: number): Expr {
    const vars = this.visibleVars().filter((v) => v.ty.name === t.name);
    const consts = this.consts.filter((c) => c.v >= tyMin(t) && c.v <= tyMax(t));
    const calls = this.fns;
    if (depth <= 0) {
      const i = this.r.weighted([3, vars.length ? 6 : 0, consts.length ? 1 : 0, 1]);
      if (i === 1) return { k: 'var', ty: t, name: this.r.pick(vars).name };
      if (i === 2) { const c = this.r.pick(consts); return { k: 'const', ty: t, name: c.name, v: c.v }; }
      if (i === 3) return this.leafWiden(t) ?? this.lit(t);
      return this.lit(t);
    }
    const choice = this.r.weighted([
      2,                         // 0 literal
      vars.length ? 4 : 0,       // 1 variable
      3,                         // 2 widen from a narrower expression
      3,                         // 3 explicit conversion
      12,                        // 4 arithmetic
      3,                         // 5 shift
      2,                         // 6 unary
      2,                         // 7 ternary
      calls.length ? 3 : 0,      // 8 call
      this.arrays.length ? 2 : 0, // 9 array element
      1,                         // 10 conversion of an untyped literal
      consts.length ? 1 : 0,     // 11 untyped constant
    ]);
    switch (choice) {
      case 0: return this.lit(t);
      case 1: return { k: 'var', ty: t, name: this.r.pick(vars).name };
      case 2: {
        const narrower = TYPES.filter((s) => widensTo(s, t));
        if (!narrower.length) return this.expr(t, depth - 1);
        const a = this.nonLit(this.r.pick(narrower), depth - 1);
        return { k: 'widen', ty: t, a };
      }
      case 3: return { k: 'conv', ty: t, a: this.expr(this.ty(), depth - 1) };
      case 4: {
        const op = this.r.pick<ArithOp>(['+', '-', '*', '/', '%', '&', '|', '^', '+', '-', '*', '&']);
        return this.binary(t, op, depth);
      }
      case 5: return this.binary(t, this.r.pick<ArithOp>(['<<', '>>', '>>>']), depth);
      case 6: {
        const op = t.signed && this.r.chance(0.5) ? '-' : '~';
        return { k: 'un', ty: t, op, a: this.nonLit(t, depth - 1) };
      }
      case 7: {
        // Each branch is exactly t or a literal (rendered as t(lit)), never a widened operand.
        const br = () => { const e = this.expr(t, depth - 1); return e.k === 'widen' ? this.nonLit(t, depth - 1) : e; };
        return { k: 'tern', ty: t, c: this.bexpr(depth - 1), a: br(), b: br() };
      }
      case 8: {
        const f = this.r.pick(calls);
        const call: Expr = { k: 'call', ty: f.ret, fn: f.name, args: f.params.map((p) => this.expr(p.ty, Math.min(depth - 1, 1))) };
        if (f.ret.name === t.name) return call;
        if (widensTo(f.ret, t) && this.r.chance(0.5)) return { k: 'widen', ty: t, a: call };
        return { k: 'conv', ty: t, a: call };
      }
      case 9: {
        const a = this.r.pick(this.arrays);
        const idx = this.index(a.len, depth - 1);
        const el: Expr = { k: 'arr', ty: a.ty, name: a.name, len: a.len, idx };
        if (a.ty.name === t.name) return el;
        if (widensTo(a.ty, t)) return { k: 'widen', ty: t, a: el };
        return { k: 'conv', ty: t, a: el };
      }
      case 10: {
        // Conversions truncate or extend an untyped literal exactly (`i8(0xFF)` is -1).
        const v = this.r.chance(0.5) ? BigInt.asIntN(64, this.r.big64()) : BigInt.asUintN(64, interesting(this.r, TY.u64));
        return { k: 'convlit', ty: t, v };
      }
      default: {
        const c = this.r.pick(consts);
        return { k: 'const', ty: t, name: c.name, v: c.v };
      }
    }
  }

  /** A leaf of a narrower type, implicitly widened (or null when none exists). */
  private leafWiden(t: Ty): Expr | null {
    const vs = this.visibleVars().filter((v) => widensTo(v.ty, t));
    if (!vs.length) return null;
    const v = this.r.pick(vs);
    return { k: 'widen', ty: t, a: { k: 'var', ty: v.ty, name: v.name } };
  }

  /**
   * An expression whose own type is exactly t: not a bare literal and not an implicitly
   * widened narrower expression. Every binary operator gets at least one such operand, which
   * fixes the operation's type (the other side is widened to it or is a literal typed by it).
   */
  private nonLit(t: Ty, depth: number): Expr {
    for (let i = 0; i < 4; i++) {
      const e = this.expr(t, Math.max(depth, 1));
      if (exact(e)) return e;
    }
    const vars = this.visibleVars().filter((v) => v.ty.name === t.name);
    if (vars.length) return { k: 'var', ty: t, name: this.r.pick(vars).name };
    return { k: 'conv', ty: t, a: { k: 'lit', ty: TY.u64, v: BigInt.asUintN(64, valueOf(this.r, t)), hex: true, sep: false } };
  }

  /** An array index in range: a loop counter, a masked expression or a literal. */
  private index(len: number, depth: number): Expr {
    const counters = this.visibleVars().filter((v) => v.name.startsWith('ix'));
    if (counters.length && this.r.chance(0.4)) {
      const c = this.r.pick(counters);
      return { k: 'bin', ty: TY.u32, op: '&', a: { k: 'var', ty: TY.u32, name: c.name }, b: this.lit(TY.u32, BigInt(len - 1)) };
    }
    if (this.r.chance(0.3)) return this.lit(TY.u32, BigInt(this.r.int(len)));
    return { k: 'bin', ty: TY.u32, op: '&', a: this.nonLit(TY.u32, depth), b: this.lit(TY.u32, BigInt(len - 1)) };
  }

  private binary(t: Ty, op: ArithOp, depth: number): Expr {
    if (op === '<<' || op === '>>' || op === '>>>') {
      // Shifts: the value is exactly t; the count is exactly t or a small non-negative literal
      // (counts >= the width check the masking).
      const a = this.nonLit(t, depth - 1);
      const b = this.r.chance(0.5) ? this.lit(t, BigInt(this.r.pick([0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127].filter((n) => BigInt(n) <= tyMax(t))))) : this.nonLit(t, depth - 1);
      return { k: 'bin', ty: t, op, a, b };
    }
    let a = this.expr(t, depth - 1);
    const b = op === '/' || op === '%' ? this.divisor(t, depth - 1) : this.expr(t, depth - 1);
    // At least one operand must have exactly type t (see nonLit).
    if (!exact(a) && !exact(b)) a = this.nonLit(t, depth - 1);
    return { k: 'bin', ty: t, op, a, b };
  }

  /** A divisor that is never zero at run time (the panic path is exercised separately). */
  private divisor(t: Ty, depth: number): Expr {
    const c = this.r.int(3);
    if (c === 0) return this.nonzeroLit(t);
    if (c === 1) return { k: 'bin', ty: t, op: '|', a: this.nonLit(t, depth), b: this.lit(t, 1n) };
    // (e != 0 ? e : K)
    const e = this.nonLit(t, depth);
    return {
      k: 'tern', ty: t,
      c: { k: 'cmp', op: '!=', strict: false, a: e, b: this.lit(t, 0n) },
      a: e, b: this.nonzeroLit(t),
    };
  }

  bexpr(depth: number): BExpr {
    const bools = this.visibleBools();
    const c = this.r.weighted([8, depth > 0 ? 2 : 0, depth > 0 ? 1 : 0, bools.length ? 2 : 0, 1]);
    if (c === 1) return { k: 'logic', op: this.r.chance(0.5) ? '&&' : '||', a: this.bexpr(depth - 1), b: this.bexpr(depth - 1) };
    if (c === 2) return { k: 'not', a: this.bexpr(depth - 1) };
    if (c === 3) return { k: 'bvar', name: this.r.pick(bools).name };
    if (c === 4) return { k: 'tobool', a: this.nonLit(this.ty(), Math.max(0, depth - 1)) };
    const t = this.ty();
    const op = this.r.pick<CmpOp>(['<', '<=', '>', '>=', '==', '!=']);
    let a = this.expr(t, Math.max(0, depth - 1));
    const b = this.expr(t, Math.max(0, depth - 1));
    if (!exact(a) && !exact(b)) a = this.nonLit(t, 0);
    return { k: 'cmp', op, strict: this.r.chance(0.3), a, b };
  }

  // --- rendering ----------------------------------------------------------------------------
  private litText(v: bigint, hex: boolean, sep: boolean): string {
    const neg = v < 0n;
    const mag = neg ? -v : v;
    let s: string;
    if (hex) {
      s = mag.toString(16).toUpperCase();
      if (sep && s.length > 4) s = s.replace(/\B(?=([0-9A-F]{4})+$)/g, '_');
      s = '0x' + s;
    } else {
      s = mag.toString();
      if (sep && s.length > 3) s = s.replace(/\B(?=(\d{3})+$)/g, '_');
    }
    return neg ? `-${s}` : s;
  }

  /** Renders e as a subset expression. `typed` is true when the context gives a literal its type. */
  ts(e: Expr, typed: boolean): string {
    switch (e.k) {
      case 'lit': {
        const s = this.litText(e.v, e.hex, e.sep);
        return typed ? s : `${e.ty.name}(${s})`;
      }
      case 'convlit': return `${e.ty.name}(${this.litText(e.v, true, false)})`;
      case 'const': return typed ? e.name : `${e.ty.name}(${e.name})`;
      case 'var': return e.name;
      case 'arr': return `${e.name}[${this.ts(e.idx, true)}]`;
      case 'widen': return this.ts(e.a, false);
      case 'conv': return `${e.ty.name}(${this.ts(e.a, false)})`;
      case 'bin': {
        // A literal operand takes the type of the other operand only if that one is exactly e.ty.
        const ctxA = e.b.k !== 'lit' && e.b.k !== 'const' && e.b.k !== 'widen' && !this.o.typedLeftLiterals;
        const ctxB = e.a.k !== 'lit' && e.a.k !== 'const' && e.a.k !== 'widen';
        return `(${this.ts(e.a, ctxA)} ${e.op} ${this.ts(e.b, ctxB)})`;
      }
      case 'un': return `(${e.op}${this.ts(e.a, false)})`;
      case 'tern': return `(${this.tsb(e.c)} ? ${this.ts(e.a, false)} : ${this.ts(e.b, false)})`;
      case 'call': return `${e.fn}(${e.args.map((a) => this.ts(a, true)).join(', ')})`;
    }
  }

  tsb(b: BExpr): string {
    switch (b.k) {
      case 'cmp': {
        const ctxA = b.b.k !== 'lit' && b.b.k !== 'const' && b.b.k !== 'widen' && !this.o.typedLeftLiterals;
        const ctxB = b.a.k !== 'lit' && b.a.k !== 'const' && b.a.k !== 'widen';
        const op = b.strict && (b.op === '==' || b.op === '!=') ? b.op + '=' : b.op;
        return `(${this.ts(b.a, ctxA)} ${op} ${this.ts(b.b, ctxB)})`;
      }
      case 'logic': return `(${this.tsb(b.a)} ${b.op} ${this.tsb(b.b)})`;
      case 'not': return `(!${this.tsb(b.a)})`;
      case 'bvar': return b.name;
      case 'tobool': return `bool(${this.ts(b.a, false)})`;
    }
  }

  private cLit(v: bigint, t: Ty): string {
    return `((${t.name})0x${BigInt.asUintN(64, v).toString(16)}ULL)`;
  }

  c(e: Expr): string {
    switch (e.k) {
      case 'lit': case 'const': return this.cLit(e.v, e.ty);
      case 'convlit': return this.cLit(BigInt.asUintN(64, e.v), e.ty);
      case 'var': return e.name;
      case 'arr': return `${e.name}[${this.c(e.idx)}]`;
      case 'widen': case 'conv': return `((${e.ty.name})(${this.c(e.a)}))`;
      case 'bin': return `${OPNAME[e.op]}_${e.ty.name}(${this.c(e.a)}, ${this.c(e.b)})`;
      case 'un': return `${e.op === '~' ? 'not' : 'neg'}_${e.ty.name}(${this.c(e.a)})`;
      case 'tern': return `((${e.ty.name})(${this.cb(e.c)} ? ${this.c(e.a)} : ${this.c(e.b)}))`;
      case 'call': return `${e.fn}(${e.args.map((a) => this.c(a)).join(', ')})`;
    }
  }

  cb(b: BExpr): string {
    switch (b.k) {
      case 'cmp': return `(${this.c(b.a)} ${b.op} ${this.c(b.b)})`;
      case 'logic': return `(${this.cb(b.a)} ${b.op} ${this.cb(b.b)})`;
      case 'not': return `(!${this.cb(b.a)})`;
      case 'bvar': return b.name;
      case 'tobool': return `(${this.c(b.a)} != 0)`;
    }
  }

  // --- statements ---------------------------------------------------------------------------
  private trace(name: string, t: Ty): void {
    if (this.inPure) return;
    const id = this.traceId++;
    const kind = this.r.int(8);
    if (kind === 0) {
      this.line(`print("${id}:"); printI(i64(${name})); print("\\n");`,
        `tb_print("${id}:"); tb_print_i((i64)(${name})); tb_putc('\\n');`);
    } else if (kind === 1) {
      this.line(`print("${id}:"); printU(u64(${name})); print("\\n");`,
        `tb_print("${id}:"); tb_print_u((u64)(${name})); tb_putc('\\n');`);
    } else if (kind === 2) {
      const w = t.bits / 4;
      this.line(`print("${id}:"); printHexW(u64(${name}), ${w}); print("\\n");`,
        `tb_print("${id}:"); tb_print_hexw((u64)(${name}), ${w}); tb_putc('\\n');`);
    } else {
      this.line(`print("${id}:"); printHex(u64(${name})); print("\\n");`,
        `tb_print("${id}:"); tb_print_hex((u64)(${name})); tb_putc('\\n');`);
    }
  }

  private assignable(): Var[] {
    return this.visibleVars().filter((v) => v.mutable && (!this.inPure || !v.global));
  }

  private block(fn: () => void): void {
    this.scopes.push({ vars: [], bools: [] });
    this.indent++;
    fn();
    this.indent--;
    this.scopes.pop();
  }

  private statements(n: number, depth: number): void {
    for (let i = 0; i < n && this.budget > 0; i++) this.statement(depth);
  }

  private statement(depth: number): void {
    this.budget--;
    const canNest = depth < 2;
    const targets = this.assignable();
    const c = this.r.weighted([
      5,                                  // 0 let
      targets.length ? 5 : 0,             // 1 assignment
      targets.length ? 4 : 0,             // 2 compound assignment
      targets.length ? 2 : 0,             // 3 ++ / --
      canNest ? 2 : 0,                    // 4 if / else
      canNest ? 2 : 0,                    // 5 for
      canNest ? 1 : 0,                    // 6 while
      canNest ? 1 : 0,                    // 7 do-while
      canNest ? 1 : 0,                    // 8 switch
      this.loopDepth > 0 ? 1 : 0,         // 9 break / continue under a condition
      this.inPure ? 0 : 2,                // 10 trace an expression
      1,                                  // 11 bool local
      this.arrays.length && !this.inPure ? 2 : 0, // 12 array store
    ]);
    switch (c) {
      case 0: {
        const t = this.ty();
        const name = this.fresh('v');
        const e = this.r.chance(0.2) ? (this.leafWiden(t) ?? this.expr(t, 3)) : this.expr(t, 3);
        this.line(`let ${name}: ${t.name} = ${this.ts(e, true)};`, `${t.name} ${name} = ${this.c(e)};`);
        this.declare({ name, ty: t, mutable: true, global: false });
        this.trace(name, t);
        return;
      }
      case 1: {
        const v = this.r.pick(targets);
        const e = this.r.chance(0.15) ? (this.leafWiden(v.ty) ?? this.expr(v.ty, 3)) : this.expr(v.ty, 3);
        this.line(`${v.name} = ${this.ts(e, true)};`, `${v.name} = ${this.c(e)};`);
        this.trace(v.name, v.ty);
        return;
      }
      case 2: {
        const v = this.r.pick(targets);
        const op = this.r.pick<ArithOp>(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '>>>']);
        const shift = op === '<<' || op === '>>' || op === '>>>';
        const e = op === '/' || op === '%' ? this.divisor(v.ty, 2)
          : shift ? (this.r.chance(0.5) ? this.lit(v.ty, BigInt(this.r.range(0, Math.min(127, v.ty.bits + 2)))) : this.nonLit(v.ty, 2))
          : this.expr(v.ty, 2);
        this.line(`${v.name} ${op}= ${this.ts(e, true)};`, `${v.name} = ${OPNAME[op]}_${v.ty.name}(${v.name}, ${this.c(e)});`);
        this.trace(v.name, v.ty);
        return;
      }
      case 3: {
        const v = this.r.pick(targets);
        const inc = this.r.chance(0.5);
        const pre = this.r.chance(0.5);
        const opTs = inc ? '++' : '--';
        this.line(pre ? `${opTs}${v.name};` : `${v.name}${opTs};`,
          `${v.name} = ${inc ? 'add' : 'sub'}_${v.ty.name}(${v.name}, 1);`);
        this.trace(v.name, v.ty);
        return;
      }
      case 4: {
        const cond = this.bexpr(2);
        this.line(`if ${wrapParen(this.tsb(cond))} {`, `if ${wrapParen(this.cb(cond))} {`);
        this.block(() => this.statements(this.r.range(1, 3), depth + 1));
        if (this.r.chance(0.5)) {
          this.line('} else {', '} else {');
          this.block(() => this.statements(this.r.range(1, 3), depth + 1));
        }
        this.line('}', '}');
        return;
      }
      case 5: {
        const i = this.fresh('ix');
        const n = this.r.range(0, 4);
        const label = this.r.chance(0.25) ? this.fresh('L') : null;
        const head = `for (let ${i}: u32 = 0; ${i} < ${n}; ${i}++) {`;
        const chead = `for (u32 ${i} = 0; ${i} < ${n}; ${i}++) {`;
        this.line(label ? `${label}: ${head}` : head, label ? `${label}: ${chead}` : chead);
        this.loop(label, () => {
          this.declare({ name: i, ty: TY.u32, mutable: false, global: false });
          this.statements(this.r.range(1, 3), depth + 1);
        });
        this.line('}', '}');
        // C has no labelled break: `break L` is `goto L_end`, placed right after the loop.
        if (label) this.cout.push('  '.repeat(this.indent) + `${label}_end: ;`);
        return;
      }
      case 6: {
        // The counter is bumped first so that `continue` cannot loop forever.
        const w = this.fresh('w');
        const n = this.r.range(0, 4);
        this.line(`let ${w}: u32 = 0;`, `u32 ${w} = 0;`);
        this.line(`while (${w} < ${n}) {`, `while (${w} < ${n}) {`);
        this.loop(null, () => {
          this.line(`  ${w}++;`, `  ${w}++;`);
          this.statements(this.r.range(1, 3), depth + 1);
        });
        this.line('}', '}');
        return;
      }
      case 7: {
        const w = this.fresh('w');
        const n = this.r.range(1, 3);
        const cond = this.bexpr(1);
        this.line(`let ${w}: u32 = 0;`, `u32 ${w} = 0;`);
        this.line('do {', 'do {');
        this.loop(null, () => {
          this.line(`  ${w} += 1;`, `  ${w} += 1;`);
          this.statements(this.r.range(1, 3), depth + 1);
        });
        this.line(`} while (${w} < ${n} && ${this.tsb(cond)});`, `} while (${w} < ${n} && ${this.cb(cond)});`);
        return;
      }
      case 8: {
        const t = this.r.pick([TY.u32, TY.i32, TY.u8, TY.i64]);
        const sel = this.nonLit(t, 2);
        const cases = [...new Set([0, 1, 2, 3, -1, 7].filter((x) => BigInt(x) >= tyMin(t)).map((x) => x))].slice(0, this.r.range(2, 4));
        this.line(`switch (${this.ts(sel, false)}) {`, `switch (${this.c(sel)}) {`);
        this.indent++;
        for (const cv of cases) {
          this.line(`case ${cv}: {`, `case ${cv}: {`);
          this.block(() => {
            this.statements(this.r.range(0, 2), depth + 1);
            if (this.r.chance(0.6)) this.line('break;', 'break;'); // otherwise: C fall-through
          });
          this.line('}', '}');
        }
        if (this.r.chance(0.7)) {
          this.line('default: {', 'default: {');
          this.block(() => this.statements(this.r.range(0, 2), depth + 1));
          this.line('}', '}');
        }
        this.indent--;
        this.line('}', '}');
        return;
      }
      case 9: {
        const cond = this.bexpr(1);
        const kw = this.r.chance(0.5) ? 'break' : 'continue';
        const label = this.labels.length && this.r.chance(0.5) ? this.r.pick(this.labels) : null;
        const cstmt = label ? `goto ${label}_${kw === 'break' ? 'end' : 'next'}` : kw;
        this.line(`if ${wrapParen(this.tsb(cond))} ${kw}${label ? ' ' + label : ''};`, `if ${wrapParen(this.cb(cond))} ${cstmt};`);
        return;
      }
      case 10: {
        const t = this.ty();
        const e = this.expr(t, 3);
        const id = this.traceId++;
        this.line(`print("${id}:"); printHex(u64(${this.ts(e, false)})); print("\\n");`,
          `tb_print("${id}:"); tb_print_hex((u64)(${this.c(e)})); tb_putc('\\n');`);
        return;
      }
      case 11: {
        const b = this.fresh('b');
        const e = this.bexpr(2);
        this.line(`let ${b}: bool = ${this.tsb(e)};`, `int ${b} = ${this.cb(e)};`);
        this.scopes[this.scopes.length - 1].bools.push({ name: b });
        if (!this.inPure) this.line(`if (${b}) print("T\\n"); else print("F\\n");`, `if (${b}) tb_print("T\\n"); else tb_print("F\\n");`);
        return;
      }
      case 12: {
        const a = this.r.pick(this.arrays);
        const idx = this.index(a.len, 1);
        const e = this.expr(a.ty, 2);
        this.line(`${a.name}[${this.ts(idx, true)}] = ${this.ts(e, true)};`, `${a.name}[${this.c(idx)}] = ${this.c(e)};`);
        return;
      }
    }
  }

  /** Runs a loop body; a labelled loop gets a C label at the end of its body (`continue L`). */
  private loop(label: string | null, body: () => void): void {
    this.loopDepth++;
    if (label) this.labels.push(label);
    this.block(() => {
      body();
      if (label) this.cout.push('  '.repeat(this.indent) + `${label}_next: ;`);
    });
    if (label) this.labels.pop();
    this.loopDepth--;
  }

  // --- top level ----------------------------------------------------------------------------
  program(panics: boolean): { ts: string; c: string } {
    this.scopes = [{ vars: [], bools: [] }];
    this.line('// Generated by tests/fuzz/gen.ts (the tsboot differential fuzzer).', '#include "crt.h"');
    this.cout.push(C_PRELUDE);

    // Untyped constants (folded exactly; small so they fit every type they are used with).
    for (let i = 0; i < this.r.range(0, 3); i++) {
      const name = this.fresh('K');
      const base = BigInt(this.r.range(0, 60));
      if (this.consts.length && this.r.chance(0.5)) {
        const other = this.r.pick(this.consts);
        const v = other.v + base;
        if (v <= 127n) {
          this.line(`const ${name} = ${other.name} + ${base};`, `/* ${name} = ${v} */`);
          this.consts.push({ name, v });
          continue;
        }
      }
      this.line(`const ${name} = ${base};`, `/* ${name} = ${base} */`);
      this.consts.push({ name, v: base });
    }
    // Globals: initialised (.data), uninitialised (.bss) and typed scalar constants.
    for (let i = 0; i < this.r.range(2, 5); i++) {
      const t = this.ty();
      const name = this.fresh('g');
      const kind = this.r.int(3);
      if (kind === 0) {
        this.line(`let ${name}: ${t.name};`, `static ${t.name} ${name};`);
        this.globals.push({ name, ty: t, mutable: true, global: true });
      } else {
        const v = valueOf(this.r, t);
        const isConst = kind === 2;
        this.line(`${isConst ? 'const' : 'let'} ${name}: ${t.name} = ${this.litText(v, this.r.chance(0.5), false)};`,
          `static ${isConst ? 'const ' : ''}${t.name} ${name} = ${this.cLit(v, t)};`);
        this.globals.push({ name, ty: t, mutable: !isConst, global: true });
      }
    }
    for (let i = 0; i < this.r.range(0, 2); i++) {
      const t = this.ty();
      const name = this.fresh('a');
      const len = this.r.pick([4, 8, 16]);
      this.line(`let ${name}: Arr<${t.name}, ${len}>;`, `static ${t.name} ${name}[${len}];`);
      this.arrays.push({ name, ty: t, len });
    }
    this.line('', '');

    // Pure helpers: may read globals, never write them or print.
    for (let i = 0; i < this.o.helpers; i++) this.helper();

    // Test functions: traced statements.
    const tests: string[] = [];
    for (let i = 0; i < this.o.tests; i++) {
      const name = this.fresh('t');
      tests.push(name);
      this.line(`function ${name}(): void {`, `static void ${name}(void) {`);
      this.budget = this.o.statements;
      this.block(() => { while (this.budget > 0) this.statement(0); });
      this.line('}', '}');
      this.line('', '');
    }

    // main: run the tests, dump the globals, end with an exit status derived from them.
    this.line('export function main(): i32 {', 'int tb_main(void) {');
    this.indent++;
    for (const t of tests) this.line(`${t}();`, `${t}();`);
    for (const g of this.globals) this.trace(g.name, g.ty);
    for (const a of this.arrays) {
      this.line(`for (let k: u32 = 0; k < ${a.len}; k++) { printHex(u64(${a.name}[k])); print(" "); }`,
        `for (u32 k = 0; k < ${a.len}; k++) { tb_print_hex((u64)(${a.name}[k])); tb_putc(' '); }`);
      this.line('print("\\n");', "tb_putc('\\n');");
    }
    if (panics) {
      // A division whose divisor is zero only at run time: both sides must panic (exit 101).
      const t = this.ty();
      const z = this.fresh('z');
      this.line(`let ${z}: ${t.name} = ${t.name}(${this.globals.length ? `${this.globals[0].name} & 0` : '0'});`,
        `${t.name} ${z} = (${t.name})(${this.globals.length ? `${this.globals[0].name} & 0` : '0'});`);
      this.line(`print("before\\n");`, `tb_print("before\\n");`);
      this.line(`printHex(u64(${t.name}(7) / ${z}));`, `tb_print_hex((u64)div_${t.name}((${t.name})7, ${z}));`);
      this.line(`print("after\\n");`, `tb_print("after\\n");`);
    }
    const g = this.globals.find((x) => x.mutable);
    const ret = g ? `i32(u32(${g.name}) & 63)` : '0';
    const cret = g ? `(i32)((u32)(${g.name}) & 63)` : '0';
    this.line(`return ${ret};`, `return ${cret};`);
    this.indent--;
    this.line('}', '}');
    return { ts: this.out.join('\n') + '\n', c: this.cout.join('\n') + '\n' };
  }

  private helper(): void {
    const name = this.fresh('p');
    const params: Var[] = [];
    for (let i = 0; i < this.r.range(1, 4); i++) params.push({ name: this.fresh('q'), ty: this.ty(), mutable: true, global: false });
    const ret = this.ty();
    const recursive = this.r.chance(0.2);
    this.inPure = true;
    if (recursive) {
      // Bounded recursion: p(n, ...) calls p(n - 1, ...) until n is 0.
      const n = this.fresh('n');
      const ps = [...params];
      this.line(`function ${name}(${n}: u32, ${ps.map((p) => `${p.name}: ${p.ty.name}`).join(', ')}): ${ret.name} {`,
        `static ${ret.name} ${name}(u32 ${n}, ${ps.map((p) => `${p.ty.name} ${p.name}`).join(', ')}) {`);
      this.block(() => {
        for (const p of ps) this.declare(p);
        const base = this.expr(ret, 2);
        this.line(`if (${n} == 0) return ${this.ts(base, true)};`, `if (${n} == 0) return ${this.c(base)};`);
        this.budget = this.r.range(0, 3);
        this.statements(this.budget, 1);
        const args = ps.map((p) => this.expr(p.ty, 2));
        const combine = this.expr(ret, 1);
        const tsCall = `${name}(${n} - 1, ${args.map((a) => this.ts(a, true)).join(', ')})`;
        const cCall = `${name}(${n} - 1, ${args.map((a) => this.c(a)).join(', ')})`;
        this.line(`return ${tsCall} ^ ${this.ts(combine, false)};`, `return xor_${ret.name}(${cCall}, ${this.c(combine)});`);
      });
      this.line('}', '}');
      this.inPure = false;
      // Callable from expressions with a small constant depth, through a wrapper.
      const w = this.fresh('p');
      this.line(`function ${w}(${ps.map((p) => `${p.name}: ${p.ty.name}`).join(', ')}): ${ret.name} {`,
        `static ${ret.name} ${w}(${ps.map((p) => `${p.ty.name} ${p.name}`).join(', ')}) {`);
      const depth = this.r.range(0, 6);
      this.line(`  return ${name}(${depth}, ${ps.map((p) => p.name).join(', ')});`, `  return ${name}(${depth}, ${ps.map((p) => p.name).join(', ')});`);
      this.line('}', '}');
      this.fns.push({ name: w, params: ps, ret });
    } else {
      this.line(`function ${name}(${params.map((p) => `${p.name}: ${p.ty.name}`).join(', ')}): ${ret.name} {`,
        `static ${ret.name} ${name}(${params.map((p) => `${p.ty.name} ${p.name}`).join(', ')}) {`);
      this.block(() => {
        for (const p of params) this.declare(p);
        this.budget = this.r.range(1, 6);
        while (this.budget > 0) this.statement(1);
        const e = this.expr(ret, 3);
        this.line(`return ${this.ts(e, true)};`, `return ${this.c(e)};`);
      });
      this.line('}', '}');
      this.inPure = false;
      this.fns.push({ name, params, ret });
    }
    this.line('', '');
  }
}

/** True when e's own type is its node type (not a literal typed by context, not widened). */
function exact(e: Expr): boolean { return e.k !== 'lit' && e.k !== 'const' && e.k !== 'widen'; }

function wrapParen(s: string): string { return s.startsWith('(') && s.endsWith(')') ? s : `(${s})`; }

const OPNAME: Record<ArithOp, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'rem', '&': 'and', '|': 'or', '^': 'xor',
  '<<': 'shl', '>>': 'shr', '>>>': 'ushr',
};

/** The C helpers that define tsboot's integer semantics, one per (operation, type). */
const C_PRELUDE: string = (() => {
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
    L.push(`static inline ${T} neg_${T}(${T} a) { return (${T})(0 - (u64)a); }`);
    L.push(`static inline ${T} shl_${T}(${T} a, ${T} b) { return (${T})((u64)a << ((u64)b & ${m})); }`);
    L.push(`static inline ${T} ushr_${T}(${T} a, ${T} b) { return (${T})((${U})a >> ((u64)b & ${m})); }`);
    if (t.signed) {
      L.push(`static inline ${T} shr_${T}(${T} a, ${T} b) { return (${T})((i64)a >> ((u64)b & ${m})); }`);
      L.push(`static inline ${T} div_${T}(${T} a, ${T} b) { if (b == 0) tb_panic("fuzz.c", 0, "division by zero"); if (a == ${min} && b == -1) return a; return (${T})(a / b); }`);
      L.push(`static inline ${T} rem_${T}(${T} a, ${T} b) { if (b == 0) tb_panic("fuzz.c", 0, "division by zero"); if (b == -1) return 0; return (${T})(a % b); }`);
    } else {
      L.push(`static inline ${T} shr_${T}(${T} a, ${T} b) { return (${T})((${U})a >> ((u64)b & ${m})); }`);
      L.push(`static inline ${T} div_${T}(${T} a, ${T} b) { if (b == 0) tb_panic("fuzz.c", 0, "division by zero"); return (${T})(a / b); }`);
      L.push(`static inline ${T} rem_${T}(${T} a, ${T} b) { if (b == 0) tb_panic("fuzz.c", 0, "division by zero"); return (${T})(a % b); }`);
    }
  }
  return L.join('\n') + '\n';
})();

const DEFAULTS: Required<GenOptions> = { tests: 8, helpers: 5, statements: 18, panicChance: 0.1, typedLeftLiterals: false };

/** Generates program `index` of the run with base seed `seed`. */
export function generateProgram(seed: number, index: number, opts: GenOptions = {}): GeneratedProgram {
  const o = { ...DEFAULTS, ...opts };
  const ps = programSeed(seed, index);
  const r = new Rng(ps);
  const panics = r.chance(o.panicChance);
  const g = new Gen(r, o);
  const { ts, c } = g.program(panics);
  return { seed: ps, subset: ts, c, panics };
}
