// The fuzzer's expressions: random integer expressions of a given type, with the shapes
// that found bugs in the literal rule (literal left operands of shifts in every position,
// `?:` with literal arms beside a narrower operand, constant trees of every operator).
// Every expression is free of side effects; statements and programs are in gen.ts.
import {
  ArithOp, BExpr, CmpOp, ConstTree, Expr, Rng, SHIFTS, TY, TYPES, Ty, exact, interesting, tyMax, tyMin, valueOf,
  widensTo,
} from './model';
import { cValue } from './constants';
import { Renderer } from './render';

export interface Var { name: string; ty: Ty; mutable: boolean; global: boolean; constant?: boolean }
export interface BoolVar { name: string }
export interface Fn { name: string; params: Var[]; ret: Ty }
export interface ArrDecl { name: string; ty: Ty; len: number }

/** A variable read; a scalar `const` global is a constant that tsboot folds. */
export function ref(v: Var): Expr { return { k: 'var', ty: v.ty, name: v.name, constant: !!v.constant }; }

export abstract class ExprGen {
  protected scopes: { vars: Var[]; bools: BoolVar[] }[] = [];
  protected globals: Var[] = [];
  protected arrays: ArrDecl[] = [];
  protected consts: { name: string; v: bigint }[] = [];
  protected fns: Fn[] = [];
  /** Generic functions `f<T extends number>(a: T, b: T): T` (std's and the program's). */
  protected generics: string[] = ['min', 'max', 'alignUp', 'alignDown'];
  protected readonly R = new Renderer();

  constructor(protected r: Rng) {}

  protected ty(): Ty { return this.r.pick(TYPES); }

  protected visibleVars(): Var[] {
    const vs: Var[] = [...this.globals];
    for (const s of this.scopes) vs.push(...s.vars);
    return vs;
  }
  protected visibleBools(): BoolVar[] { return this.scopes.flatMap((s) => s.bools); }

  protected lit(t: Ty, v?: bigint): Expr {
    return { k: 'lit', ty: t, v: v ?? valueOf(this.r, t), hex: this.r.chance(0.4), sep: this.r.chance(0.15) };
  }

  protected nonzeroLit(t: Ty): Expr {
    let v = valueOf(this.r, t);
    if (v === 0n) v = t.signed ? -1n : 1n;
    return this.lit(t, v);
  }

  /**
   * `f<T>(a, b)` with T = t, written or inferred (`f(T(a), b)`: b may be narrower or a bare
   * literal). alignUp/alignDown take a constant power of two that t can hold.
   */
  private genericCall(t: Ty, depth: number): Expr {
    const fn = this.r.pick(this.generics);
    const align = fn.startsWith('align');
    const b = align ? this.lit(t, 1n << BigInt(this.r.range(0, Math.min(12, t.bits - (t.signed ? 2 : 1)))))
      : this.expr(t, Math.min(depth - 1, 1));
    const infer = this.r.chance(0.5);
    return {
      k: 'call', ty: t, fn, cfn: `${fn}_${t.name}`, targs: infer ? undefined : t.name, infer,
      args: [this.expr(t, Math.min(depth - 1, 1)), b],
    };
  }

  /** An expression of exactly type t (after implicit widening). */
  expr(t: Ty, depth: number): Expr {
    const vars = this.visibleVars().filter((v) => v.ty.name === t.name);
    const consts = this.consts.filter((c) => c.v >= tyMin(t) && c.v <= tyMax(t));
    const calls = this.fns;
    if (depth <= 0) {
      const i = this.r.weighted([3, vars.length ? 6 : 0, consts.length ? 1 : 0, 1]);
      if (i === 1) return ref(this.r.pick(vars));
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
      depth >= 2 ? 2 : 0,        // 12 a ?: with a literal arm beside a narrower operand
      2,                         // 13 a constant expression (folded at compile time)
      2,                         // 14 a call of a generic function
    ]);
    switch (choice) {
      case 0: return this.lit(t);
      case 1: return ref(this.r.pick(vars));
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
      case 11: {
        const c = this.r.pick(consts);
        return { k: 'const', ty: t, name: c.name, v: c.v };
      }
      case 12: return this.narrowBesideTernary(t, depth);
      case 14: return this.genericCall(t, depth);
      default: return { k: 'cfold', ty: t, tree: this.constTree(t, this.r.range(1, 3)) };
    }
  }

  /**
   * `a + (d ? b : 0x4000_0000)` and its mirror images: a narrower operand beside a ?: whose
   * literal arm must take the type of the other arm, not of the narrower operand.
   */
  protected narrowBesideTernary(t: Ty, depth: number): Expr {
    const narrower = TYPES.filter((s) => widensTo(s, t));
    if (!narrower.length) return this.binary(t, '+', depth);
    const narrow: Expr = { k: 'widen', ty: t, a: this.nonLit(this.r.pick(narrower), depth - 1) };
    const arms: [Expr, Expr] = [this.nonLit(t, depth - 1), this.lit(t)];
    if (this.r.chance(0.5)) arms.reverse();
    const tern: Expr = { k: 'tern', ty: t, c: this.bexpr(Math.max(0, depth - 2)), a: arms[0], b: arms[1] };
    const op = this.r.pick<ArithOp>(['+', '-', '*', '&', '|', '^']);
    return this.r.chance(0.5) ? { k: 'bin', ty: t, op, a: narrow, b: tern } : { k: 'bin', ty: t, op, a: tern, b: narrow };
  }

  /** A tree of literals over every operator, with no division by zero anywhere in it. */
  protected constTree(t: Ty, depth: number): ConstTree {
    if (depth <= 0 || this.r.chance(0.2)) return { k: 'leaf', v: valueOf(this.r, t) };
    if (this.r.chance(0.15)) return { k: 'un', op: t.signed && this.r.chance(0.5) ? '-' : '~', a: this.constTree(t, depth - 1) };
    const op = this.r.pick<ArithOp>(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '>>>']);
    const a = this.constTree(t, depth - 1);
    if (SHIFTS.includes(op)) {
      const counts = [0, 1, 3, 7, 8, 15, 31, 32, 63, 64, 65].filter((n) => BigInt(n) <= tyMax(t));
      return { k: 'op', op, a, b: { k: 'leaf', v: BigInt(this.r.pick(counts)) } };
    }
    let b = this.constTree(t, depth - 1);
    if ((op === '/' || op === '%') && cValue(b, t) === 0n) b = { k: 'leaf', v: t.signed ? -1n : 1n };
    return { k: 'op', op, a, b };
  }

  /** A leaf of a narrower type, implicitly widened (or null when none exists). */
  protected leafWiden(t: Ty): Expr | null {
    const vs = this.visibleVars().filter((v) => widensTo(v.ty, t));
    if (!vs.length) return null;
    const v = this.r.pick(vs);
    return { k: 'widen', ty: t, a: ref(v) };
  }

  /**
   * An expression whose own type is exactly t: not a bare literal and not an implicitly
   * widened narrower expression. Every binary operator gets at least one such operand, which
   * fixes the operation's type (the other side is widened to it or is a literal typed by it).
   */
  protected nonLit(t: Ty, depth: number): Expr {
    for (let i = 0; i < 4; i++) {
      const e = this.expr(t, Math.max(depth, 1));
      if (exact(e)) return e;
    }
    const vars = this.visibleVars().filter((v) => v.ty.name === t.name);
    if (vars.length) return ref(this.r.pick(vars));
    return { k: 'conv', ty: t, a: { k: 'lit', ty: TY.u64, v: BigInt.asUintN(64, valueOf(this.r, t)), hex: true, sep: false } };
  }

  /** An array index in range: a loop counter, a masked expression or a literal. */
  protected index(len: number, depth: number): Expr {
    const counters = this.visibleVars().filter((v) => v.name.startsWith('ix'));
    if (counters.length && this.r.chance(0.4)) {
      const c = this.r.pick(counters);
      return { k: 'bin', ty: TY.u32, op: '&', a: ref(c), b: this.lit(TY.u32, BigInt(len - 1)) };
    }
    if (this.r.chance(0.3)) return this.lit(TY.u32, BigInt(this.r.int(len)));
    return { k: 'bin', ty: TY.u32, op: '&', a: this.nonLit(TY.u32, depth), b: this.lit(TY.u32, BigInt(len - 1)) };
  }

  protected binary(t: Ty, op: ArithOp, depth: number): Expr {
    if (op === '<<' || op === '>>' || op === '>>>') {
      // A literal value: its type comes from the context or the other operand, never from
      // the count (`(1 << n) - 1` in a u64 is a u64 mask). Its count is not constant, or
      // the shift would be folded exactly.
      if (depth >= 2 && this.r.chance(0.35)) {
        const count = this.nonConst(t, depth - 1);
        if (count) return { k: 'bin', ty: t, op, a: this.lit(t, this.r.chance(0.5) ? 1n : valueOf(this.r, t)), b: count };
      }
      // Otherwise the value is exactly t; the count is exactly t or a small non-negative
      // literal (counts >= the width check the masking).
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

  /** An expression of type t that tsboot does not fold (or null if none can be found). */
  protected nonConst(t: Ty, depth: number): Expr | null {
    for (let i = 0; i < 4; i++) {
      const e = this.nonLit(t, Math.max(depth, 1));
      if (!this.R.isConst(e)) return e;
    }
    const vars = this.visibleVars().filter((v) => v.ty.name === t.name && !v.constant);
    return vars.length ? ref(this.r.pick(vars)) : null;
  }

  /** A divisor that is never zero at run time (the panic path is exercised separately). */
  protected divisor(t: Ty, depth: number): Expr {
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
}
