// Rendering a program tree as subset source and as C.
//
// The C side spells every operation out with its type (the C prelude's helpers), so C's
// own conversions never decide a value. The subset side writes literals bare wherever
// tsboot's literal rule (docs/language.md, "The type of a literal") gives them the type
// the tree says they have, and as `T(lit)` elsewhere:
//   - a literal takes the type of the other operand when that operand is exactly the
//     operation's type, or of the context when no operand has a type (`(1 << n) - 1` in a
//     u64 is written bare);
//   - a conversion is not a context, so under `T(...)` an operand always has its own type;
//   - an untyped expression that is constant is folded exactly, which C does not do, so
//     it is written bare only where the exact value is the C value (constants.ts).
import { BExpr, ConstTree, Expr, OPNAME, SHIFTS, Ty } from './model';
import { bareAgrees } from './constants';

/** `-x`, `~x`, with parentheses where x starts with a minus (`--5` would be a decrement). */
function unary(op: string, s: string): string { return s.startsWith('-') ? `(${op}(${s}))` : `(${op}${s})`; }

/** A rendering and whether it is untyped (its type still comes from its context). */
interface R { s: string; untyped: boolean }

export class Renderer {
  /** A literal in the subset: decimal or hex, with or without `_` separators. */
  litText(v: bigint, hex: boolean, sep: boolean): string {
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

  cLit(v: bigint, t: Ty): string {
    return `((${t.name})0x${BigInt.asUintN(64, v).toString(16)}ULL)`;
  }

  /** Whether tsboot folds e at compile time. */
  isConst(e: Expr): boolean {
    switch (e.k) {
      case 'lit': case 'const': case 'convlit': case 'cfold': return true;
      case 'var': return e.constant;
      case 'arr': case 'call': return false;
      case 'widen': case 'conv': case 'un': return this.isConst(e.a);
      case 'bin': return this.isConst(e.a) && this.isConst(e.b);
      case 'tern': return this.isConstB(e.c) && this.isConst(e.a) && this.isConst(e.b);
    }
  }

  private isConstB(b: BExpr): boolean {
    switch (b.k) {
      case 'cmp': return this.isConst(b.a) && this.isConst(b.b);
      case 'logic': return this.isConstB(b.a) && this.isConstB(b.b);
      case 'not': return this.isConstB(b.a);
      case 'bvar': return false;
      case 'tobool': return this.isConst(b.a);
    }
  }

  /** The subset text of e; `typed` when its context gives an untyped e the type e.ty. */
  ts(e: Expr, typed: boolean): string { return this.render(e, typed).s; }

  private render(e: Expr, typed: boolean): R {
    const T = e.ty.name;
    switch (e.k) {
      case 'lit': {
        const s = this.litText(e.v, e.hex, e.sep);
        return typed ? { s, untyped: true } : { s: `${T}(${s})`, untyped: false };
      }
      case 'const': return typed ? { s: e.name, untyped: true } : { s: `${T}(${e.name})`, untyped: false };
      case 'convlit': return { s: `${T}(${this.litText(e.v, true, false)})`, untyped: false };
      case 'var': return { s: e.name, untyped: false };
      // An index is an i64 context, not its own type: the index expression carries its type.
      case 'arr': return { s: `${e.name}[${this.ts(e.idx, false)}]`, untyped: false };
      case 'widen': return { s: this.ts(e.a, false), untyped: false };
      case 'conv': return { s: `${T}(${this.ts(e.a, false)})`, untyped: false };
      case 'call': {
        const args = e.args.map((a, i) => (e.infer && i === 0 ? `${T}(${this.ts(a, false)})` : this.ts(a, true)));
        // TypeScript's parser rejects `x << (f<T>(a))` and `(f<T>(a) << b)`; `((f<T>(a)))` is fine.
        const call = `${e.fn}${e.targs ? `<${e.targs}>` : ''}(${args.join(', ')})`;
        return { s: e.targs ? `((${call}))` : call, untyped: false };
      }
      case 'cfold': return this.tree(e.tree, e.ty, typed && bareAgrees(e.tree, e.ty));
      case 'un': {
        let a = this.render(e.a, typed);
        if (a.untyped && this.isConst(e)) a = this.render(e.a, false);
        return { s: unary(e.op, a.s), untyped: a.untyped };
      }
      case 'tern': {
        let [a, b, untyped] = this.operands(e.a, e.b, typed);
        if (untyped && this.isConst(e)) { a = this.render(e.a, false); untyped = false; }
        return { s: `(${this.tsb(e.c)} ? ${a.s} : ${b.s})`, untyped };
      }
      case 'bin': {
        if (SHIFTS.includes(e.op)) {
          // The shift has the type of its value; the count is typed by its own operands.
          let a = this.render(e.a, typed);
          if (a.untyped && this.isConst(e)) a = this.render(e.a, false);
          return { s: `(${a.s} ${e.op} ${this.count(e.b)})`, untyped: a.untyped };
        }
        let [a, b, untyped] = this.operands(e.a, e.b, typed);
        if (untyped && this.isConst(e)) { a = this.render(e.a, false); untyped = false; }
        return { s: `(${a.s} ${e.op} ${b.s})`, untyped };
      }
    }
  }

  /**
   * A shift count. Untyped, a count is a u32 of its own (never of the shifted type), so only
   * a literal count from 0 up is written bare; any other count gets its type written.
   */
  count(e: Expr): string {
    const literal = (e.k === 'lit' || e.k === 'const') && e.v >= 0n;
    return this.ts(e, literal);
  }

  /**
   * The two operands of one type (binary operators, `?:` arms, comparisons): bare where an
   * operand of exactly the type (or the context) types them, explicit elsewhere.
   */
  private operands(x: Expr, y: Expr, typed: boolean): [R, R, boolean] {
    const a = this.render(x, true), b = this.render(y, true);
    if ((!a.untyped && x.k !== 'widen') || (!b.untyped && y.k !== 'widen')) return [a, b, false];
    if (a.untyped && b.untyped) return typed ? [a, b, true] : [this.render(x, false), b, false];
    // One is untyped, the other a narrower operand, which would give its own type.
    return a.untyped ? [this.render(x, false), b, false] : [a, this.render(y, false), false];
  }

  /** A constant tree: all literals bare (folded exactly) or all typed (folded like C). */
  private tree(t: ConstTree, ty: Ty, bare: boolean): R {
    const go = (n: ConstTree): string => {
      if (n.k === 'leaf') {
        const s = this.litText(n.v, n.v > 255n, false);
        return bare ? s : `${ty.name}(${s})`;
      }
      if (n.k === 'un') return unary(n.op, go(n.a));
      return `(${go(n.a)} ${n.op} ${go(n.b)})`;
    };
    return { s: go(t), untyped: bare };
  }

  tsb(b: BExpr): string {
    switch (b.k) {
      case 'cmp': {
        const [x, y] = this.operands(b.a, b.b, false);
        const op = b.strict && (b.op === '==' || b.op === '!=') ? b.op + '=' : b.op;
        return `(${x.s} ${op} ${y.s})`;
      }
      case 'logic': return `(${this.tsb(b.a)} ${b.op} ${this.tsb(b.b)})`;
      case 'not': return `(!${this.tsb(b.a)})`;
      case 'bvar': return b.name;
      case 'tobool': return `bool(${this.ts(b.a, false)})`;
    }
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
      case 'call': return `${e.cfn ?? e.fn}(${e.args.map((a) => this.c(a)).join(', ')})`;
      case 'cfold': return this.cTree(e.tree, e.ty);
    }
  }

  private cTree(n: ConstTree, t: Ty): string {
    if (n.k === 'leaf') return this.cLit(n.v, t);
    if (n.k === 'un') return `${n.op === '~' ? 'not' : 'neg'}_${t.name}(${this.cTree(n.a, t)})`;
    return `${OPNAME[n.op]}_${t.name}(${this.cTree(n.a, t)}, ${this.cTree(n.b, t)})`;
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
}
