// Struct and array values in the fuzzer's programs (docs/language.md, "Structs and arrays
// as values"): random struct types, functions that build them from a literal, take one by
// value, change their own copy and return it (or choose between two with ?:), functions
// that return an Arr, and statements that call them, destructure the results and trace
// every part. The C side is the same program with C structs by value (an Arr result is a
// struct with one array member, which is how C returns an array).
import { Expr, Rng, Ty } from './model';
import { Renderer } from './render';
import { Var } from './exprs';

/** What the statement generator lends to this one (gen.ts). */
export interface StructHost {
  r: Rng;
  R: Renderer;
  line(ts: string, c: string): void;
  fresh(prefix: string): string;
  ty(): Ty;
  expr(t: Ty, depth: number): Expr;
  bexprTs(depth: number): { ts: string; c: string };
  /** Runs fn in a new scope of pure code (no writes to globals, no output). */
  pureBlock(vars: Var[], fn: () => void): void;
  declare(v: Var): void;
  trace(name: string, t: Ty): void;
}

interface Field { name: string; ty: Ty; len?: number }
export interface StructDecl { name: string; fields: Field[]; make: string; makeParams: Var[]; change: string; changeTy: Ty }
interface ArrFn { name: string; cType: string; ty: Ty; len: number; params: Var[] }

export class StructGen {
  private structs: StructDecl[] = [];
  private arrFns: ArrFn[] = [];

  constructor(private h: StructHost) {}

  get any(): boolean { return this.structs.length > 0; }

  /** Struct types and their functions, at module level. */
  declarations(): void {
    const h = this.h;
    for (let i = 0; i < h.r.range(1, 2); i++) {
      const name = h.fresh('S');
      const fields: Field[] = [];
      for (let k = 0; k < h.r.range(2, 4); k++) fields.push({ name: `f${k}`, ty: h.ty() });
      if (h.r.chance(0.4)) fields.push({ name: `f${fields.length}`, ty: h.ty(), len: 2 });
      const fieldTs = fields.map((f) => `${f.name}: ${f.len ? `Arr<${f.ty.name}, ${f.len}>` : f.ty.name}`).join('; ');
      const fieldC = fields.map((f) => `${f.ty.name} ${f.name}${f.len ? `[${f.len}]` : ''};`).join(' ');
      h.line(`interface ${name} extends Struct { ${fieldTs} }`, `typedef struct { ${fieldC} } ${name};`);
      const s: StructDecl = { name, fields, make: h.fresh('mk'), makeParams: [], change: h.fresh('ch'), changeTy: h.ty() };
      this.structs.push(s);
      this.makeFn(s);
      this.changeFn(s);
    }
    if (h.r.chance(0.6)) this.arrFn();
    h.line('', '');
  }

  /** `mk(q...): S { return { f0: e, ... }; }` */
  private makeFn(s: StructDecl): void {
    const h = this.h;
    for (let i = 0; i < h.r.range(1, 3); i++) s.makeParams.push({ name: h.fresh('q'), ty: h.ty(), mutable: false, global: false });
    const sig = s.makeParams.map((p) => `${p.name}: ${p.ty.name}`).join(', ');
    const csig = s.makeParams.map((p) => `${p.ty.name} ${p.name}`).join(', ');
    h.line(`function ${s.make}(${sig}): ${s.name} {`, `static ${s.name} ${s.make}(${csig}) {`);
    h.pureBlock(s.makeParams, () => {
      const parts = s.fields.map((f) => this.fieldValue(f));
      h.line(`  return { ${parts.map((p, i) => `${s.fields[i].name}: ${p.ts}`).join(', ')} };`,
        `  return (${s.name}){ ${parts.map((p, i) => `.${s.fields[i].name} = ${p.c}`).join(', ')} };`);
    });
    h.line('}', '}');
  }

  /** A field's value in a literal: an expression, or an array literal of them. */
  private fieldValue(f: Field): { ts: string; c: string } {
    const h = this.h;
    if (!f.len) { const e = h.expr(f.ty, 2); return { ts: h.R.ts(e, true), c: h.R.c(e) }; }
    const es = Array.from({ length: f.len }, () => h.expr(f.ty, 1));
    return { ts: `[${es.map((e) => h.R.ts(e, true)).join(', ')}]`, c: `{ ${es.map((e) => h.R.c(e)).join(', ')} }` };
  }

  /** `ch(s: S, x: T): S`: changes fields of its own copy, returns it or a fresh one by ?:. */
  private changeFn(s: StructDecl): void {
    const h = this.h;
    const x: Var = { name: h.fresh('x'), ty: s.changeTy, mutable: false, global: false };
    h.line(`function ${s.change}(s: ${s.name}, ${x.name}: ${x.ty.name}): ${s.name} {`,
      `static ${s.name} ${s.change}(${s.name} s, ${x.ty.name} ${x.name}) {`);
    const fieldVars: Var[] = s.fields.filter((f) => !f.len).map((f) => ({ name: `s.${f.name}`, ty: f.ty, mutable: true, global: false }));
    h.pureBlock([x, ...fieldVars], () => {
      for (const f of s.fields) {
        if (!h.r.chance(0.6)) continue;
        const target = f.len ? `s.${f.name}[${h.r.int(f.len)}]` : `s.${f.name}`;
        const e = h.expr(f.ty, 2);
        h.line(`  ${target} = ${h.R.ts(e, true)};`, `  ${target} = ${h.R.c(e)};`);
      }
      if (h.r.chance(0.4)) {
        const c = h.bexprTs(1);
        const args = s.makeParams.map((p) => h.expr(p.ty, 1));
        h.line(`  return ${c.ts} ? s : ${s.make}(${args.map((a) => h.R.ts(a, true)).join(', ')});`,
          `  return ${c.c} ? s : ${s.make}(${args.map((a) => h.R.c(a)).join(', ')});`);
      } else h.line('  return s;', '  return s;');
    });
    h.line('}', '}');
  }

  /** `ar(q: T): Arr<T, N> { return [e, ...]; }` (C: a struct holding the array). */
  private arrFn(): void {
    const h = this.h;
    const ty = h.ty();
    const len = h.r.range(2, 4);
    const f: ArrFn = { name: h.fresh('ar'), cType: h.fresh('A'), ty, len, params: [{ name: h.fresh('q'), ty: h.ty(), mutable: false, global: false }] };
    const p = f.params[0];
    h.line(`// ${f.cType}`, `typedef struct { ${ty.name} v[${len}]; } ${f.cType};`);
    h.line(`function ${f.name}(${p.name}: ${p.ty.name}): Arr<${ty.name}, ${len}> {`, `static ${f.cType} ${f.name}(${p.ty.name} ${p.name}) {`);
    h.pureBlock(f.params, () => {
      const es = Array.from({ length: len }, () => h.expr(ty, 2));
      h.line(`  return [${es.map((e) => h.R.ts(e, true)).join(', ')}];`,
        `  return (${f.cType}){ { ${es.map((e) => h.R.c(e)).join(', ')} } };`);
    });
    h.line('}', '}');
    this.arrFns.push(f);
  }

  /** A struct type for other generators (generic-classes.ts), if there is one. */
  pick(): StructDecl | undefined { return this.structs.length ? this.h.r.pick(this.structs) : undefined; }

  /** A random value of struct s: a call of its maker, maybe changed. */
  value(s: StructDecl): { ts: string; c: string } { return this.call(s); }

  /** Traces every scalar of a struct place (array fields element by element). */
  traceParts(place: string, s: StructDecl): void {
    for (const f of s.fields) {
      if (f.len) for (let i = 0; i < f.len; i++) this.h.trace(`${place}.${f.name}[${i}]`, f.ty);
      else this.h.trace(`${place}.${f.name}`, f.ty);
    }
  }

  private call(s: StructDecl): { ts: string; c: string } {
    const h = this.h;
    const args = s.makeParams.map((p) => h.expr(p.ty, 2));
    let ts = `${s.make}(${args.map((a) => h.R.ts(a, true)).join(', ')})`;
    let c = `${s.make}(${args.map((a) => h.R.c(a)).join(', ')})`;
    if (h.r.chance(0.4)) {
      const x = h.expr(s.changeTy, 1);
      ts = `${s.change}(${ts}, ${h.R.ts(x, true)})`;
      c = `${s.change}(${c}, ${h.R.c(x)})`;
    }
    return { ts, c };
  }

  /** One traced statement in a test function. */
  statement(): void {
    const h = this.h;
    const kind = h.r.int(this.arrFns.length ? 3 : 2);
    if (kind === 2) {
      // `const [a, , b] = ar(q)`
      const f = h.r.pick(this.arrFns);
      const a = h.expr(f.params[0].ty, 2);
      const tmp = h.fresh('t');
      const names = Array.from({ length: f.len }, () => (h.r.chance(0.7) ? h.fresh('e') : ''));
      h.line(`const [${names.join(', ')}] = ${f.name}(${h.R.ts(a, true)});`, `${f.cType} ${tmp} = ${f.name}(${h.R.c(a)});`);
      names.forEach((n, i) => {
        if (!n) return;
        h.line('', `${f.ty.name} ${n} = ${tmp}.v[${i}];`);
        h.declare({ name: n, ty: f.ty, mutable: false, global: false });
        h.trace(n, f.ty);
      });
      return;
    }
    const s = h.r.pick(this.structs);
    const v = this.call(s);
    if (kind === 1) {
      // `const { f0: d, f2 } = mk(...)` (each part a local of its own)
      const tmp = h.fresh('t');
      const parts = s.fields.filter((f) => !f.len && h.r.chance(0.7)).map((f) => ({ f, n: h.fresh('d') }));
      h.line(`const { ${parts.map((p) => `${p.f.name}: ${p.n}`).join(', ')} } = ${v.ts};`, `${s.name} ${tmp} = ${v.c};`);
      for (const p of parts) {
        h.line('', `${p.f.ty.name} ${p.n} = ${tmp}.${p.f.name};`);
        h.declare({ name: p.n, ty: p.f.ty, mutable: false, global: false });
        h.trace(p.n, p.f.ty);
      }
      return;
    }
    // `let r = mk(...)`, maybe `r = ch(r, x)`, then every field traced and usable later.
    const r = h.fresh('r');
    h.line(`let ${r} = ${v.ts};`, `${s.name} ${r} = ${v.c};`);
    if (h.r.chance(0.5)) {
      const x = h.expr(s.changeTy, 2);
      h.line(`${r} = ${s.change}(${r}, ${h.R.ts(x, true)});`, `${r} = ${s.change}(${r}, ${h.R.c(x)});`);
    }
    for (const f of s.fields) {
      if (f.len) {
        for (let i = 0; i < f.len; i++) h.trace(`${r}.${f.name}[${i}]`, f.ty);
        continue;
      }
      h.declare({ name: `${r}.${f.name}`, ty: f.ty, mutable: true, global: false });
      h.trace(`${r}.${f.name}`, f.ty);
    }
  }
}
