// The fuzzer's classes: a random class (and sometimes a class extending it) rendered as a
// tsboot class and as the equivalent C: a struct (a derived class embeds its base as the
// first member, `base`), an init function for the constructor (field initialisers, then
// the body; a derived one calls its base's init first, as super(...) does), and one
// function per method, getter and setter taking the object's address. Test functions
// construct objects in place (locals and globals), call methods on values and through
// pointers (a Ptr<Derived> converted to a Ptr<Base> calls the base's methods: static
// dispatch), assign fields and trace them, and compare sizeof/offsetof with C's.
//
// A constructor or a method sometimes has a second parameter with a default value over the
// first (docs/language.md, "Default parameters"), and calls sometimes leave it out. In C the
// default is a function of the first parameter (`C3_m1_dflt(q)`), called by the caller as
// tsboot does: after the argument written.
//
// Method bodies read the fields through locals copied from `this` (`const f3: u32 =
// this.f3;` / `u32 f3 = self->f3;`), so the expression generator's text is the same in
// both languages.
import { Expr, Ty, valueOf } from './model';
import { ExprGen, Var } from './exprs';

interface Field { name: string; ty: Ty; init: bigint | undefined }
/** A trailing parameter with a default value: its type and the C function computing the default. */
interface Dflt { ty: Ty; cfn: string }
interface Method { name: string; param: Ty; ret: Ty; dflt?: Dflt }
export interface FClass {
  name: string;
  base: FClass | undefined;
  /** This class's own fields (a derived class's base fields come first in memory). */
  fields: Field[];
  ctorParam: Ty;
  /** The constructor's second parameter, with a default. */
  ctorDflt?: Dflt;
  methods: Method[];
  setters: { name: string; param: Ty; field: Field }[];
  getter: { name: string; ty: Ty };
  /** A static counter of constructions: a global. */
  counter: string;
}

/** An object of a class: a global, or a local of the scope it was declared in. */
interface Obj { name: string; cls: FClass; scope?: object }

export abstract class ClassGen extends ExprGen {
  protected classes: FClass[] = [];
  protected objects: Obj[] = [];
  protected abstract line(ts: string, c: string): void;
  protected abstract fresh(p: string): string;
  protected abstract block(fn: () => void): void;
  protected abstract declare(v: Var): void;
  protected abstract nextTraceId(): number;

  /** The objects visible here (globals, and locals of the enclosing scopes). */
  protected visibleObjects(): Obj[] {
    return this.objects.filter((o) => !o.scope || this.scopes.includes(o.scope as typeof this.scopes[number]));
  }

  /** Every field of a class with the C path to it from an object (`base.f0` for inherited ones). */
  private allFields(cls: FClass): { f: Field; path: string }[] {
    const own = cls.fields.map((f) => ({ f, path: f.name }));
    if (!cls.base) return own;
    return [...this.allFields(cls.base).map((x) => ({ f: x.f, path: `base.${x.path}` })), ...own];
  }

  /** The C expression for the address of `obj` as an instance of `target` (a base of its class). */
  private cAddr(obj: string, cls: FClass, target: FClass): string {
    let path = obj;
    for (let c: FClass = cls; c !== target; c = c.base!) path += '.base';
    return `&${path}`;
  }

  /** Declares a class, and sometimes one that extends it, with a global object of each. */
  protected declareClasses(): void {
    const base = this.declareClass(undefined);
    const classes = [base];
    if (this.r.chance(0.6)) classes.push(this.declareClass(base));
    for (const cls of classes) {
      const name = this.fresh('o');
      this.line(`let ${name}: ${cls.name};`, `static ${cls.name} ${name};`);
      this.objects.push({ name, cls });
    }
    this.line('', '');
  }

  /** A scope in which the fields of `cls` (all of them) are readable as locals. */
  private withFields(cls: FClass, extra: Var[], body: () => void): void {
    this.block(() => {
      for (const { f, path } of this.allFields(cls)) {
        this.line(`const ${f.name}: ${f.ty.name} = this.${f.name};`, `${f.ty.name} ${f.name} = self->${path};`);
        this.declare({ name: f.name, ty: f.ty, mutable: false, global: false });
      }
      for (const v of extra) this.declare(v);
      body();
    });
  }

  private declareClass(base: FClass | undefined): FClass {
    const name = this.fresh('C');
    const counter = this.fresh('count');
    const fields: Field[] = [];
    for (let i = 0; i < this.r.range(1, 4); i++) {
      const ty = this.ty();
      fields.push({ name: this.fresh('f'), ty, init: this.r.chance(0.6) ? valueOf(this.r, ty) : undefined });
    }
    const cls: FClass = {
      name, base, fields, ctorParam: this.ty(), methods: [], setters: [], counter,
      getter: { name: this.fresh('get'), ty: this.ty() },
    };
    // A derived class sometimes redeclares its base's first method: static dispatch picks by type.
    if (base && this.r.chance(0.5)) cls.methods.push({ ...base.methods[0] });
    for (let i = 0; i < this.r.range(1, 3); i++) {
      cls.methods.push({ name: this.fresh('m'), param: this.ty(), ret: this.ty() });
    }
    const f = this.r.pick(fields);
    cls.setters.push({ name: this.fresh('set'), param: f.ty, field: f });

    // C: the struct, then the functions.
    const cFields = [...(base ? [`${base.name} base;`] : []), ...fields.map((x) => `${x.ty.name} ${x.name};`)];
    this.line(`class ${name}${base ? ` extends ${base.name}` : ''} {`,
      `typedef struct ${name} { ${cFields.join(' ')} } ${name};`);
    this.line(`  static ${counter}: u32 = 0;`, `static u32 ${name}_${counter};`);
    for (const x of fields) {
      const init = x.init !== undefined ? ` = ${this.R.litText(x.init, this.r.chance(0.5), false)}` : '';
      this.line(`  ${x.name}: ${x.ty.name}${init};`, '');
    }
    // The constructor: super(...) first, then this class's initialisers, then the body.
    const a: Var = { name: this.fresh('a'), ty: cls.ctorParam, mutable: false, global: false };
    const b = this.r.chance(0.4) ? this.defaultParam(`${name}_init`, a) : undefined;
    cls.ctorDflt = b?.dflt;
    this.line(`  constructor(${a.name}: ${a.ty.name}${b ? `, ${b.ts}` : ''}) {`,
      `static void ${name}_init(${name} *self, ${a.ty.name} ${a.name}${b ? `, ${b.c}` : ''}) {`);
    this.block(() => {
      this.declare(a);
      if (b) this.declare(b.v);
      if (base) {
        const e = this.expr(base.ctorParam, 2);
        const args = this.withDefault(base.ctorParam, e, base.ctorDflt);
        this.line(`  super(${args.ts});`, `  ${args.pre} ${base.name}_init(&self->base, ${args.c});`);
      }
      for (const x of fields) {
        if (x.init !== undefined) this.line('', `  self->${x.name} = ${this.R.cLit(x.init, x.ty)};`);
      }
      this.line(`  ${name}.${counter}++;`, `  ${name}_${counter} = add_u32(${name}_${counter}, 1);`);
    });
    const target = this.r.pick(this.allFields(cls));
    this.withFields(cls, [a], () => {
      const e = this.expr(target.f.ty, 2);
      this.line(`  this.${target.f.name} = ${this.R.ts(e, true)};`, `  self->${target.path} = ${this.R.c(e)};`);
    });
    this.line('  }', '}');
    for (const m of cls.methods) {
      const p: Var = { name: this.fresh('q'), ty: m.param, mutable: false, global: false };
      const d = this.r.chance(0.4) ? this.defaultParam(`${name}_${m.name}`, p) : undefined;
      m.dflt = d?.dflt;
      this.line(`  ${m.name}(${p.name}: ${p.ty.name}${d ? `, ${d.ts}` : ''}): ${m.ret.name} {`,
        `static ${m.ret.name} ${name}_${m.name}(${name} *self, ${p.ty.name} ${p.name}${d ? `, ${d.c}` : ''}) {`);
      this.withFields(cls, d ? [p, d.v] : [p], () => {
        const e = this.expr(m.ret, 3);
        this.line(`  return ${this.R.ts(e, true)};`, `  return ${this.R.c(e)};`);
      });
      this.line('  }', '}');
    }
    for (const s of cls.setters) {
      const p: Var = { name: this.fresh('q'), ty: s.param, mutable: false, global: false };
      this.line(`  set ${s.name}(${p.name}: ${p.ty.name}) {`,
        `static void ${name}_${s.name}(${name} *self, ${p.ty.name} ${p.name}) {`);
      this.withFields(cls, [p], () => {
        const e = this.expr(s.field.ty, 2);
        this.line(`  this.${s.field.name} = ${this.R.ts(e, true)};`, `  self->${s.field.name} = ${this.R.c(e)};`);
      });
      this.line('  }', '}');
    }
    const g = cls.getter;
    this.line(`  get ${g.name}(): ${g.ty.name} {`, `static ${g.ty.name} ${name}_${g.name}(${name} *self) {`);
    this.withFields(cls, [], () => {
      const e = this.expr(g.ty, 3);
      this.line(`  return ${this.R.ts(e, true)};`, `  return ${this.R.c(e)};`);
    });
    this.line('  }', '}');
    this.line('}', '');
    this.line('', '');
    this.classes.push(cls);
    return cls;
  }

  /**
   * A second parameter with a default over the first, `p`: its TypeScript (`d3: u8 = ...`)
   * and C (`u8 d3`) texts, its variable, and the C function of p computing the default,
   * emitted here (before the function that takes the parameter).
   */
  private defaultParam(fn: string, p: Var): { ts: string; c: string; v: Var; dflt: Dflt } {
    const ty = this.ty();
    const v: Var = { name: this.fresh('d'), ty, mutable: false, global: false };
    const cfn = `${fn}_dflt`;
    let e: Expr | undefined;
    this.block(() => { this.declare(p); e = this.expr(ty, 2); });
    this.line('', `static ${ty.name} ${cfn}(${p.ty.name} ${p.name}) { (void)${p.name}; return ${this.R.c(e!)}; }`);
    return { ts: `${v.name}: ${ty.name} = ${this.R.ts(e!, true)}`, c: `${ty.name} ${v.name}`, v, dflt: { ty, cfn } };
  }

  /**
   * The arguments of a call whose first argument is `e` (of type `ty`): with a defaulted
   * second parameter, sometimes a second argument, else none in TypeScript and the default's
   * C function in C. `pre` is C to run first (the first argument into a temporary: tsboot
   * evaluates the default after the arguments written).
   */
  private withDefault(ty: Ty, e: Expr, dflt: Dflt | undefined): { ts: string; c: string; pre: string } {
    if (!dflt) return { ts: this.R.ts(e, true), c: this.R.c(e), pre: '' };
    const t = this.fresh('t');
    const pre = `${ty.name} ${t} = ${this.R.c(e)};`;
    if (this.r.chance(0.5)) {
      const e2 = this.expr(dflt.ty, 2);
      return { ts: `${this.R.ts(e, true)}, ${this.R.ts(e2, true)}`, c: `${t}, ${this.R.c(e2)}`, pre };
    }
    return { ts: this.R.ts(e, true), c: `${t}, ${dflt.cfn}(${t})`, pre };
  }

  private traceLine(ts: string, c: string): void {
    const id = this.nextTraceId();
    this.line(`print("${id}:"); printHex(u64(${ts})); print("\\n");`,
      `tb_print("${id}:"); tb_print_hex((u64)(${c})); tb_putc('\\n');`);
  }

  private traceFields(o: Obj): void {
    for (const { f, path } of this.allFields(o.cls)) this.traceLine(`${o.name}.${f.name}`, `${o.name}.${path}`);
  }

  /** One statement about objects (in a test function). */
  protected classStatement(): void {
    const o = this.r.pick(this.visibleObjects());
    const cls = o.cls;
    switch (this.r.int(7)) {
      case 0: { // construct in place: a new local, or the global again
        const e = this.expr(cls.ctorParam, 2);
        const args = this.withDefault(cls.ctorParam, e, cls.ctorDflt);
        const t = this.fresh('t');
        this.line('', `${args.pre || `${cls.ctorParam.name} ${t} = ${this.R.c(e)};`}`);
        const cArgs = args.pre ? args.c : t;
        if (this.r.chance(0.5)) {
          const name = this.fresh('o');
          this.line(`let ${name} = new ${cls.name}(${args.ts});`,
            `${cls.name} ${name}; memset(&${name}, 0, sizeof ${name}); ${cls.name}_init(&${name}, ${cArgs});`);
          this.objects.push({ name, cls, scope: this.scopes[this.scopes.length - 1] });
          this.traceFields({ name, cls });
        } else {
          this.line(`${o.name} = new ${cls.name}(${args.ts});`,
            `memset(&${o.name}, 0, sizeof ${o.name}); ${cls.name}_init(&${o.name}, ${cArgs});`);
          this.traceFields(o);
        }
        return;
      }
      case 1: case 2: { // a method, on the value or through a pointer to it or to a base
        let owner: FClass = cls;
        while (owner.base && this.r.chance(0.4)) owner = owner.base;
        const m = this.r.pick(owner.methods);
        const e = this.expr(m.param, 2);
        const v = this.fresh('v');
        const args = this.withDefault(m.param, e, m.dflt);
        if (args.pre) this.line('', args.pre);
        const call = `${owner.name}_${m.name}(${this.cAddr(o.name, cls, owner)}, ${args.c})`;
        if (owner === cls && this.r.chance(0.5)) {
          this.line(`let ${v}: ${m.ret.name} = ${o.name}.${m.name}(${args.ts});`,
            `${m.ret.name} ${v} = ${call};`);
        } else {
          const p = this.fresh('p');
          this.line(`let ${p}: Ptr<${owner.name}> = addressOf(${o.name});`, '');
          this.line(`let ${v}: ${m.ret.name} = ${p}.${m.name}(${args.ts});`,
            `${m.ret.name} ${v} = ${call};`);
        }
        this.declare({ name: v, ty: m.ret, mutable: true, global: false });
        this.traceLine(v, v);
        return;
      }
      case 3: { // a setter, then the fields
        let owner: FClass = cls;
        while (owner.base && this.r.chance(0.4)) owner = owner.base;
        const s = owner.setters[0];
        const e = this.expr(s.param, 2);
        this.line(`${o.name}.${s.name} = ${this.R.ts(e, true)};`,
          `${owner.name}_${s.name}(${this.cAddr(o.name, cls, owner)}, ${this.R.c(e)});`);
        this.traceFields(o);
        return;
      }
      case 4: { // a getter
        const g = cls.getter;
        this.traceLine(`${o.name}.${g.name}`, `${cls.name}_${g.name}(&${o.name})`);
        return;
      }
      case 5: { // a field assignment
        const { f, path } = this.r.pick(this.allFields(cls));
        const e = this.expr(f.ty, 2) as Expr;
        this.line(`${o.name}.${f.name} = ${this.R.ts(e, true)};`, `${o.name}.${path} = ${this.R.c(e)};`);
        this.traceLine(`${o.name}.${f.name}`, `${o.name}.${path}`);
        return;
      }
      default: { // the layout
        const { f, path } = this.r.pick(this.allFields(cls));
        this.traceLine(`sizeof<${cls.name}>()`, `sizeof(${cls.name})`);
        this.traceLine(`offsetof<${cls.name}>("${f.name}")`, `__builtin_offsetof(${cls.name}, ${path})`);
      }
    }
  }

  /** The end of main: every global object's fields and every class's construction count. */
  protected traceClasses(): void {
    for (const o of this.objects) if (!o.scope) this.traceFields(o);
    for (const c of this.classes) this.traceLine(`${c.name}.${c.counter}`, `${c.name}_${c.counter}`);
  }
}

