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
// Beyond integer arithmetic and control flow, programs use `for…of` over arrays and
// sub-slices (with entries()), the std generics min/max/alignUp/alignDown and generic
// helpers of their own, called with written or inferred type arguments; the C side has
// one function per instance type.
// Expressions are free of side effects (functions called inside expressions never write
// globals or print), so C's unspecified operand evaluation order cannot matter. Side effects
// and the trace (printHex of every assigned value) happen at statement level only.
// Classes and their C twins are generated in classes.ts.

import { ArithOp, OPNAME, C_PRELUDE, Rng, TY, TYPES, Ty, programSeed, tyMin, valueOf } from './model';
import { ExprGen, Var } from './exprs';
import { ClassGen } from './classes';
import { StructGen, StructHost } from './structs';
import { GenericClassGen } from './generic-classes';

export interface GenOptions {
  /** Test functions per program (each is a block of traced statements). */
  tests?: number;
  /** Pure helper functions per program. */
  helpers?: number;
  /** Statements per test function (roughly). */
  statements?: number;
  /** Probability that the program ends with a deliberate division by zero (a panic). */
  panicChance?: number;
}

export interface GeneratedProgram {
  seed: number;
  subset: string;
  c: string;
  /** True when the program deliberately ends in a division-by-zero panic. */
  panics: boolean;
}

class Gen extends ClassGen {
  private out: string[] = [];       // subset lines
  private cout: string[] = [];      // C lines
  private indent = 0;
  private uid = 0;
  private inPure = false;
  private loopDepth = 0;
  private labels: string[] = [];
  private budget = 0;               // statements left in the current test function
  private traceId = 0;

  /** Struct and array values (structs.ts). */
  private readonly values: StructGen;
  /** A generic class and its instances (generic-classes.ts). */
  private readonly generic: GenericClassGen;

  constructor(r: Rng, private o: Required<GenOptions>) {
    super(r);
    const host: StructHost = {
      r, R: this.R,
      line: (a, b) => this.line(a, b),
      fresh: (p) => this.fresh(p),
      ty: () => this.ty(),
      expr: (t, d) => this.expr(t, d),
      bexprTs: (d) => { const b = this.bexpr(d); return { ts: this.R.tsb(b), c: this.R.cb(b) }; },
      pureBlock: (vars, fn) => {
        this.inPure = true;
        this.scopes.push({ vars: [...vars], bools: [] });
        fn();
        this.scopes.pop();
        this.inPure = false;
      },
      declare: (v) => this.declare(v),
      trace: (n, t) => this.trace(n, t),
    };
    this.values = new StructGen(host);
    this.generic = new GenericClassGen(host, this.values);
  }

  // --- emission helpers -----------------------------------------------------------------
  protected line(ts: string, c: string): void {
    const pad = '  '.repeat(this.indent);
    this.out.push(pad + ts);
    this.cout.push(pad + c);
  }
  protected fresh(p: string): string { return `${p}${this.uid++}`; }
  protected nextTraceId(): number { return this.traceId++; }
  protected declare(v: Var): void { this.scopes[this.scopes.length - 1].vars.push(v); }

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
    } else if (kind === 3) {
      // A template literal: decimal by the value's type, hex of its bits (docs/language.md).
      const dec = t.signed ? `tb_print_i((i64)(${name}))` : `tb_print_u((u64)(${name}))`;
      this.line(`println(\`${id}:\${${name}} \${hex(${name})} \${hex(${name}, ${t.bits / 4})}\`);`,
        `tb_print("${id}:"); ${dec}; tb_putc(' '); tb_print_hex((u64)(u${t.bits})(${name})); tb_putc(' '); `
        + `tb_print_hexw((u64)(u${t.bits})(${name}), ${t.bits / 4}); tb_putc('\\n');`);
    } else {
      this.line(`print("${id}:"); printHex(u64(${name})); print("\\n");`,
        `tb_print("${id}:"); tb_print_hex((u64)(${name})); tb_putc('\\n');`);
    }
  }

  private assignable(): Var[] {
    return this.visibleVars().filter((v) => v.mutable && (!this.inPure || !v.global));
  }

  protected block(fn: () => void): void {
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
      this.values.any && !this.inPure ? 2 : 0, // 13 struct or array values (structs.ts)
      this.objects.length && !this.inPure ? 3 : 0, // 14 classes: construct, call, assign, trace
      this.arrays.length && canNest ? 2 : 0, // 15 for…of over an Arr or a sub-slice of it
      this.generic.any && !this.inPure ? 2 : 0, // 16 a generic class's instances (generic-classes.ts)
    ]);
    switch (c) {
      case 16: this.generic.statement(); return;
      case 13: this.values.statement(); return;
      case 14: this.classStatement(); return;
      case 0: {
        const t = this.ty();
        const name = this.fresh('v');
        const e = this.r.chance(0.2) ? (this.leafWiden(t) ?? this.expr(t, 3)) : this.expr(t, 3);
        this.line(`let ${name}: ${t.name} = ${this.R.ts(e, true)};`, `${t.name} ${name} = ${this.R.c(e)};`);
        this.declare({ name, ty: t, mutable: true, global: false });
        this.trace(name, t);
        return;
      }
      case 1: {
        const v = this.r.pick(targets);
        const e = this.r.chance(0.15) ? (this.leafWiden(v.ty) ?? this.expr(v.ty, 3)) : this.expr(v.ty, 3);
        this.line(`${v.name} = ${this.R.ts(e, true)};`, `${v.name} = ${this.R.c(e)};`);
        this.trace(v.name, v.ty);
        return;
      }
      case 2: {
        const v = this.r.pick(targets);
        const op = this.r.pick<ArithOp>(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '>>>']);
        const shift = op === '<<' || op === '>>' || op === '>>>';
        const count = () => this.lit(v.ty, BigInt(this.r.range(0, Math.min(127, v.ty.bits + 2))));
        let e = op === '/' || op === '%' ? this.divisor(v.ty, 2)
          : shift ? (this.r.chance(0.5) ? count() : this.nonLit(v.ty, 2))
          : this.expr(v.ty, 2);
        if (op !== '/' && op !== '%' && this.r.chance(0.3)) {
          // `x op= c ? lit : y`: the ?: takes x's type (or, for a shift, is a count of its own).
          const arm = () => (shift ? count() : this.r.chance(0.6) ? this.lit(v.ty) : this.nonLit(v.ty, 1));
          e = { k: 'tern', ty: v.ty, c: this.bexpr(1), a: arm(), b: arm() };
        }
        const rhs = shift ? this.R.count(e) : this.R.ts(e, true);
        this.line(`${v.name} ${op}= ${rhs};`, `${v.name} = ${OPNAME[op]}_${v.ty.name}(${v.name}, ${this.R.c(e)});`);
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
        this.line(`if ${wrapParen(this.R.tsb(cond))} {`, `if ${wrapParen(this.R.cb(cond))} {`);
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
        this.line(`} while (${w} < ${n} && ${this.R.tsb(cond)});`, `} while (${w} < ${n} && ${this.R.cb(cond)});`);
        return;
      }
      case 8: {
        const t = this.r.pick([TY.u32, TY.i32, TY.u8, TY.i64]);
        const sel = this.nonLit(t, 2);
        const cases = [...new Set([0, 1, 2, 3, -1, 7].filter((x) => BigInt(x) >= tyMin(t)).map((x) => x))].slice(0, this.r.range(2, 4));
        this.line(`switch (${this.R.ts(sel, false)}) {`, `switch (${this.R.c(sel)}) {`);
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
        this.line(`if ${wrapParen(this.R.tsb(cond))} ${kw}${label ? ' ' + label : ''};`, `if ${wrapParen(this.R.cb(cond))} ${cstmt};`);
        return;
      }
      case 10: {
        const t = this.ty();
        const e = this.expr(t, 3);
        const id = this.traceId++;
        this.line(`print("${id}:"); printHex(u64(${this.R.ts(e, false)})); print("\\n");`,
          `tb_print("${id}:"); tb_print_hex((u64)(${this.R.c(e)})); tb_putc('\\n');`);
        return;
      }
      case 11: {
        const b = this.fresh('b');
        const e = this.bexpr(2);
        this.line(`let ${b}: bool = ${this.R.tsb(e)};`, `int ${b} = ${this.R.cb(e)};`);
        this.scopes[this.scopes.length - 1].bools.push({ name: b });
        if (!this.inPure) this.line(`if (${b}) print("T\\n"); else print("F\\n");`, `if (${b}) tb_print("T\\n"); else tb_print("F\\n");`);
        return;
      }
      case 15: return this.forOf(depth);
      case 12: {
        const a = this.r.pick(this.arrays);
        const idx = this.index(a.len, 1);
        const e = this.expr(a.ty, 2);
        this.line(`${a.name}[${this.R.ts(idx, false)}] = ${this.R.ts(e, true)};`, `${a.name}[${this.R.c(idx)}] = ${this.R.c(e)};`);
        return;
      }
    }
  }

  /**
   * `for (const x of a)`, `for (let x of a.sub(lo, hi))`, `for (const [i, x] of a.entries())`:
   * in C an index loop that copies the element into x (so assigning a `let` x leaves a alone).
   */
  private forOf(depth: number): void {
    const a = this.r.pick(this.arrays);
    const x = this.fresh('x'), k = this.fresh('k');
    const mutable = this.r.chance(0.4);
    const sub = this.r.chance(0.4);
    const lo = sub ? this.r.range(0, a.len) : 0;
    const hi = sub ? this.r.range(lo, a.len) : a.len;
    const i = this.r.chance(0.4) ? this.fresh('at') : null; // not 'i': i64 is a C type
    const src = sub ? `${a.name}.sub(${lo}, ${hi})` : a.name;
    const label = this.r.chance(0.2) ? this.fresh('L') : null;
    const head = `for (${mutable ? 'let' : 'const'} ${i ? `[${i}, ${x}]` : x} of ${i ? `${src}.entries()` : src}) {`;
    const chead = `for (u64 ${k} = ${lo}; ${k} < ${hi}; ${k}++) {`;
    this.line(label ? `${label}: ${head}` : head, label ? `${label}: ${chead}` : chead);
    this.loop(label, () => {
      const pad = '  '.repeat(this.indent);
      this.cout.push(`${pad}${a.ty.name} ${x} = ${a.name}[${k}];`);
      this.declare({ name: x, ty: a.ty, mutable, global: false });
      if (i) {
        this.cout.push(`${pad}u64 ${i} = ${k} - ${lo};`);
        this.declare({ name: i, ty: TY.u64, mutable: false, global: false });
      }
      this.statements(this.r.range(1, 3), depth + 1);
    });
    this.line('}', '}');
    if (label) this.cout.push('  '.repeat(this.indent) + `${label}_end: ;`);
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
        this.line(`${isConst ? 'const' : 'let'} ${name}: ${t.name} = ${this.R.litText(v, this.r.chance(0.5), false)};`,
          `static ${isConst ? 'const ' : ''}${t.name} ${name} = ${this.R.cLit(v, t)};`);
        this.globals.push({ name, ty: t, mutable: !isConst, global: true, constant: isConst });
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
    this.values.declarations();

    // Generic helpers (one C function per instance type), then pure helpers: they may read
    // globals, never write them or print.
    for (let i = 0; i < this.r.range(0, 2); i++) this.genericHelper();
    for (let i = 0; i < this.o.helpers; i++) this.helper();
    // Classes (tests/fuzz/classes.ts), in most programs.
    if (this.r.chance(0.7)) this.declareClasses();
    if (this.r.chance(0.6)) this.generic.declarations();

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
    this.traceClasses();
    this.generic.traceEnd();
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

  /**
   * `function gN<T extends number>(a: T, b: T): T` over a random tree of a, b and small
   * literals; tsc types arithmetic on T as number, so each step is `(...) as T`.
   */
  private genericHelper(): void {
    const name = this.fresh('gen');
    type G = { k: 'a' | 'b' } | { k: 'lit'; v: number } | { k: 'op'; op: ArithOp | 'min'; l: G; r: G };
    const constant = (g: G) => g.k === 'lit';
    const tree = (d: number): G => {
      if (d <= 0 || this.r.chance(0.25)) {
        const c = this.r.int(10);
        return c < 4 ? { k: 'a' } : c < 8 ? { k: 'b' } : { k: 'lit', v: this.r.int(10) };
      }
      const op = this.r.pick<ArithOp | 'min'>(['+', '-', '*', '&', '|', '^', 'min']);
      let l = tree(d - 1);
      const r = tree(d - 1);
      if (constant(l) && constant(r)) l = { k: 'a' }; // no literal-only step: it could overflow i8
      return { k: 'op', op, l, r };
    };
    const g = tree(this.r.range(1, 3));
    const ts = (n: G): string => {
      if (n.k !== 'op') return n.k === 'lit' ? String(n.v) : n.k;
      if (n.op === 'min') return `((${ts(n.l)} < ${ts(n.r)} ? ${ts(n.l)} : ${ts(n.r)}) as T)`;
      return `((${ts(n.l)} ${n.op} ${ts(n.r)}) as T)`;
    };
    const c = (n: G, T: string): string => {
      if (n.k !== 'op') return n.k === 'lit' ? `((${T})${n.v})` : n.k;
      if (n.op === 'min') return `min_${T}(${c(n.l, T)}, ${c(n.r, T)})`;
      return `${OPNAME[n.op]}_${T}(${c(n.l, T)}, ${c(n.r, T)})`;
    };
    this.out.push(`function ${name}<T extends number>(a: T, b: T): T { return ${ts(g)}; }`);
    for (const t of TYPES) {
      this.cout.push(`static inline ${t.name} ${name}_${t.name}(${t.name} a, ${t.name} b) { return ${c(g, t.name)}; }`);
    }
    this.generics.push(name);
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
        this.line(`if (${n} == 0) return ${this.R.ts(base, true)};`, `if (${n} == 0) return ${this.R.c(base)};`);
        this.budget = this.r.range(0, 3);
        this.statements(this.budget, 1);
        const args = ps.map((p) => this.expr(p.ty, 2));
        const combine = this.expr(ret, 1);
        const tsCall = `${name}(${n} - 1, ${args.map((a) => this.R.ts(a, true)).join(', ')})`;
        const cCall = `${name}(${n} - 1, ${args.map((a) => this.R.c(a)).join(', ')})`;
        this.line(`return ${tsCall} ^ ${this.R.ts(combine, false)};`, `return xor_${ret.name}(${cCall}, ${this.R.c(combine)});`);
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
        this.line(`return ${this.R.ts(e, true)};`, `return ${this.R.c(e)};`);
      });
      this.line('}', '}');
      this.inPure = false;
      this.fns.push({ name, params, ret });
    }
    this.line('', '');
  }
}

function wrapParen(s: string): string { return s.startsWith('(') && s.endsWith(')') ? s : `(${s})`; }

const DEFAULTS: Required<GenOptions> = { tests: 8, helpers: 5, statements: 18, panicChance: 0.1 };

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
