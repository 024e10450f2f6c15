// A generic class in the fuzzer's programs (docs/language.md, "Generic classes"): one
// `class G<T>` with an `Arr<T, N>` field, a constructor, methods taking and returning T by
// value (a struct T travels through sret and a pointer to the callee's copy), a method
// returning the whole object, a getter, a static counter shared by every instance, and a
// method computing a random expression over the instance's other fields. It is named with
// one or two type arguments: a machine type, and a struct of structs.ts when there is one.
// Two generic methods take a type parameter U of their own (a machine type or the struct),
// written or inferred at the call: `pick<U>` (with a default over an earlier parameter),
// an instance per (class instance, U), and the static `twice<U extends number>`, one per U.
//
// The C side is what monomorphisation means: per instance a struct (`G_u16`, `G_S3`) and
// one function per member, taking the object's address; one global for the static counter.
import { Ty, TY, valueOf } from './model';
import { Var } from './exprs';
import { StructDecl, StructGen, StructHost } from './structs';

/** An instance: its type argument (a machine type, or a struct) and its names in both languages. */
interface Inst { ts: string; c: string; elem: Ty | StructDecl; obj: string }

interface GClass {
  name: string; len: number; k: Ty; kInit: bigint; ctorParam: Ty; mixParam: Ty; mixRet: Ty;
  /** The type arguments the generic methods are called with (machine types first). */
  us: (Ty | StructDecl)[];
}

const isStruct = (e: Ty | StructDecl): e is StructDecl => 'fields' in e;

export class GenericClassGen {
  private cls: GClass | undefined;
  private insts: Inst[] = [];

  constructor(private h: StructHost, private values: StructGen) {}

  get any(): boolean { return this.insts.length > 0; }

  /** The class (TypeScript once, C per instance) and a global object of each instance. */
  declarations(): void {
    const h = this.h;
    const cls: GClass = {
      name: h.fresh('G'), len: h.r.range(2, 4), k: h.ty(), kInit: 0n, ctorParam: h.ty(), mixParam: h.ty(), mixRet: h.ty(),
      us: [h.ty()],
    };
    cls.kInit = valueOf(h.r, cls.k);
    this.cls = cls;
    const elems: (Ty | StructDecl)[] = [h.ty()];
    const s = this.values.pick();
    if (s && h.r.chance(0.8)) elems.push(s);
    const u2 = h.ty();
    if (h.r.chance(0.5) && u2.name !== cls.us[0].name) cls.us.push(u2);
    if (s && h.r.chance(0.5)) cls.us.push(s);
    const { name, len } = cls;
    const made = `${name}_made`;
    h.line('', `static u32 ${made};`);
    for (const u of cls.us) {
      if (isStruct(u)) continue;
      h.line('', `static ${u.name} ${name}_twice_${u.name}(${u.name} x) { return add_${u.name}(x, x); }`);
    }
    for (const e of elems) {
      const c = `${name}_${e.name}`;
      const inst: Inst = { ts: `${name}<${e.name}>`, c, elem: e, obj: h.fresh('g') };
      this.insts.push(inst);
      this.cDeclarations(cls, inst);
    }
    const kLit = h.R.litText(cls.kInit, h.r.chance(0.5), false);
    const a = h.fresh('a');
    h.line(`class ${name}<T> {`, '');
    h.line(`  items: Arr<T, ${len}>;`, '');
    h.line('  n: u32 = 0;', '');
    h.line(`  k: ${cls.k.name} = ${kLit};`, '');
    h.line('  static made: u32 = 0;', '');
    h.line(`  constructor(${a}: ${cls.ctorParam.name}) { this.k = ${cls.k.name}(${a}); ${name}.made++; }`, '');
    h.line(`  put(x: T): u32 { this.items[this.n % ${len}] = x; this.n++; return this.n; }`, '');
    h.line(`  at(i: u32): T { return this.items[i % ${len}]; }`, '');
    h.line(`  swap(i: u32, x: T): T { const old = this.items[i % ${len}]; this.items[i % ${len}] = x; return old; }`, '');
    h.line(`  snapshot(): ${name}<T> { return this; }`, '');
    h.line('  get count(): u32 { return this.n; }', '');
    h.line('  pick<U>(i: u32, a: U, b: U = a): U { if ((this.n + i) % 2 == 0) return a; return b; }', '');
    h.line('  static twice<U extends number>(x: U): U { return (x + x) as U; }', '');
    // The same text in every instance: it uses only the fields that are not T.
    const q: Var = { name: h.fresh('q'), ty: cls.mixParam, mutable: false, global: false };
    const k: Var = { name: 'k', ty: cls.k, mutable: false, global: false };
    const n: Var = { name: 'n', ty: TY.u32, mutable: false, global: false };
    let mix = { ts: '', c: '' };
    h.pureBlock([q, k, n], () => {
      const e = h.expr(cls.mixRet, 3);
      mix = { ts: h.R.ts(e, true), c: h.R.c(e) };
    });
    h.line(`  mix(${q.name}: ${q.ty.name}): ${cls.mixRet.name} {`, '');
    h.line(`    const k: ${cls.k.name} = this.k; const n: u32 = this.n;`, '');
    h.line(`    return ${mix.ts};`, '');
    h.line('  }', '');
    h.line('}', '');
    for (const i of this.insts) {
      h.line(`let ${i.obj}: ${i.ts};`, `static ${i.c} ${i.obj};`);
      h.line('', `static ${cls.mixRet.name} ${i.c}_mix(${i.c} *self, ${q.ty.name} ${q.name}) {`);
      h.line('', `  ${cls.k.name} k = self->k; u32 n = self->n; return ${mix.c};`);
      h.line('', '}');
    }
    h.line('', '');
  }

  /** The C twin of one instance: its struct and its member functions (mix comes after). */
  private cDeclarations(cls: GClass, i: Inst): void {
    const h = this.h;
    const { name, len } = cls;
    const T = i.elem.name;
    const c = i.c;
    h.line('', `typedef struct { ${T} items[${len}]; u32 n; ${cls.k.name} k; } ${c};`);
    h.line('', `static void ${c}_init(${c} *self, ${cls.ctorParam.name} a) { self->n = 0; `
      + `self->k = ${h.R.cLit(cls.kInit, cls.k)}; self->k = (${cls.k.name})a; ${name}_made = add_u32(${name}_made, 1); }`);
    h.line('', `static u32 ${c}_put(${c} *self, ${T} x) { self->items[self->n % ${len}] = x; `
      + 'self->n = add_u32(self->n, 1); return self->n; }');
    h.line('', `static ${T} ${c}_at(${c} *self, u32 i) { return self->items[i % ${len}]; }`);
    h.line('', `static ${T} ${c}_swap(${c} *self, u32 i, ${T} x) { ${T} old = self->items[i % ${len}]; `
      + `self->items[i % ${len}] = x; return old; }`);
    h.line('', `static ${c} ${c}_snapshot(${c} *self) { return *self; }`);
    for (const u of cls.us) {
      h.line('', `static ${u.name} ${c}_pick_${u.name}(${c} *self, u32 i, ${u.name} a, ${u.name} b) { `
        + 'if (add_u32(self->n, i) % 2 == 0) return a; return b; }');
    }
  }

  /** A value of an instance's type argument, in both languages. */
  private elemValue(i: Inst): { ts: string; c: string } {
    if (isStruct(i.elem)) return this.values.value(i.elem);
    const e = this.h.expr(i.elem, 2);
    return { ts: this.h.R.ts(e, true), c: this.h.R.c(e) };
  }

  /** A value of type u (a machine type or a struct), in both languages. */
  private valueOf(u: Ty | StructDecl): { ts: string; c: string } {
    if (isStruct(u)) return this.values.value(u);
    const e = this.h.expr(u, 2);
    return { ts: this.h.R.ts(e, true), c: this.h.R.c(e) };
  }

  private traceValue(name: string, u: Ty | StructDecl): void {
    if (isStruct(u)) this.values.traceParts(name, u);
    else this.h.trace(name, u);
  }

  /**
   * `obj.pick<U>(i, a, b?)` or `G.twice<U>(x)`, U written or inferred: inferred from a
   * variable of type U (a random expression may be an untyped constant, which decides nothing).
   */
  private genericMethod(i: Inst, via: string, self: string): void {
    const h = this.h;
    const cls = this.cls!;
    const u = h.r.pick(cls.us);
    const written = h.r.chance(0.5);
    const targ = written ? `<${u.name}>` : '';
    const r = h.fresh('r');
    const t = h.fresh('t');
    const first = this.valueOf(u);
    if (!isStruct(u) && h.r.chance(0.3)) {
      h.line(`const ${t}: ${u.name} = ${first.ts};`, `${u.name} ${t} = ${first.c};`);
      h.line(`const ${r} = ${cls.name}.twice${targ}(${t});`, `${u.name} ${r} = ${cls.name}_twice_${u.name}(${t});`);
      this.traceValue(r, u);
      return;
    }
    const x = this.index();
    h.line(`const ${t}: ${u.name} = ${first.ts};`, `${u.name} ${t} = ${first.c};`);
    let b = { ts: '', c: t }; // left out: b = a
    if (h.r.chance(0.5)) {
      const v = this.valueOf(u);
      b = { ts: `, ${v.ts}`, c: v.c };
    }
    h.line(`const ${r} = ${via}.pick${targ}(${x.ts}, ${t}${b.ts});`,
      `${u.name} ${r} = ${i.c}_pick_${u.name}(${self}, ${x.c}, ${t}, ${b.c});`);
    this.traceValue(r, u);
  }

  private traceElem(name: string, i: Inst): void {
    if (isStruct(i.elem)) this.values.traceParts(name, i.elem);
    else this.h.trace(name, i.elem);
  }

  private index(): { ts: string; c: string } {
    const e = this.h.expr(TY.u32, 1);
    return { ts: this.h.R.ts(e, true), c: this.h.R.c(e) };
  }

  /** One traced statement about an instance's global object, or a local one. */
  statement(): void {
    const h = this.h;
    const cls = this.cls!;
    const i = h.r.pick(this.insts);
    let obj = i.obj;
    let self = `&${i.obj}`;
    const kind = h.r.int(8);
    if (kind === 0 || kind === 1) {
      // Construct in place: the global again, or a new local.
      const e = h.expr(cls.ctorParam, 2);
      const t = h.fresh('t');
      h.line('', `${cls.ctorParam.name} ${t} = ${h.R.c(e)};`);
      if (kind === 0) {
        h.line(`${obj} = new ${i.ts}(${h.R.ts(e, true)});`, `memset(&${obj}, 0, sizeof ${obj}); ${i.c}_init(&${obj}, ${t});`);
      } else {
        obj = h.fresh('l');
        self = `&${obj}`;
        h.line(`let ${obj} = new ${i.ts}(${h.R.ts(e, true)});`,
          `${i.c} ${obj}; memset(&${obj}, 0, sizeof ${obj}); ${i.c}_init(&${obj}, ${t});`);
      }
      h.trace(`${obj}.k`, cls.k);
    }
    // Sometimes through a pointer: `p.put(x)` is `G_T_put(p, x)` too.
    let via = obj;
    if (h.r.chance(0.3)) {
      via = h.fresh('p');
      h.line(`let ${via}: Ptr<${i.ts}> = addressOf(${obj});`, `${i.c} *${via} = ${self};`);
      self = via;
    }
    switch (kind) {
      case 0: case 1: case 2: {
        const v = this.elemValue(i);
        const r = h.fresh('r');
        h.line(`const ${r} = ${via}.put(${v.ts});`, `u32 ${r} = ${i.c}_put(${self}, ${v.c});`);
        h.trace(r, TY.u32);
        return;
      }
      case 3: {
        const x = this.index();
        const r = h.fresh('r');
        h.line(`const ${r} = ${via}.at(${x.ts});`, `${i.elem.name} ${r} = ${i.c}_at(${self}, ${x.c});`);
        this.traceElem(r, i);
        return;
      }
      case 4: {
        const x = this.index();
        const v = this.elemValue(i);
        const r = h.fresh('r');
        h.line(`const ${r} = ${via}.swap(${x.ts}, ${v.ts});`, `${i.elem.name} ${r} = ${i.c}_swap(${self}, ${x.c}, ${v.c});`);
        this.traceElem(r, i);
        return;
      }
      case 5: {
        const s = h.fresh('s');
        h.line(`const ${s} = ${via}.snapshot();`, `${i.c} ${s} = ${i.c}_snapshot(${self});`);
        h.trace(`${s}.n`, TY.u32);
        this.traceElem(`${s}.items[${h.r.int(cls.len)}]`, i);
        const z = h.fresh('z');
        h.line(`const ${z}: u64 = sizeof<${i.ts}>();`, `u64 ${z} = sizeof(${i.c});`);
        h.trace(z, TY.u64);
        return;
      }
      case 7: this.genericMethod(i, via, self); return;
      default: {
        const q = h.expr(cls.mixParam, 2);
        const r = h.fresh('r');
        h.line(`const ${r}: ${cls.mixRet.name} = ${via}.mix(${h.R.ts(q, true)});`,
          `${cls.mixRet.name} ${r} = ${i.c}_mix(${self}, ${h.R.c(q)});`);
        h.trace(r, cls.mixRet);
        const n = h.fresh('c');
        h.line(`const ${n}: u32 = ${via}.count;`, `u32 ${n} = ${self === via ? `${via}->n` : `${obj}.n`};`);
        h.trace(n, TY.u32);
      }
    }
  }

  /** The end of main: every global object's count and k, and the shared construction count. */
  traceEnd(): void {
    const cls = this.cls;
    if (!cls) return;
    for (const i of this.insts) {
      this.h.trace(`${i.obj}.n`, TY.u32);
      this.h.trace(`${i.obj}.k`, cls.k);
    }
    const m = this.h.fresh('m');
    this.h.line(`const ${m}: u32 = ${cls.name}.made;`, `u32 ${m} = ${cls.name}_made;`);
    this.h.trace(m, TY.u32);
  }
}
