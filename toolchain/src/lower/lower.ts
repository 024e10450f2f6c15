// Lower stage: turns the checked program into LLVM IR through the builders in emit/ir.ts.
// Only functions reachable from the entry and from `@symbol` functions are emitted. Types
// and constant values come from the checker; this stage never decides a type itself.
//
// Where each concern lives (each file is one layer of the class, see state.ts):
//   state.ts       the module, the function being built, the emission queue
//   globals.ts     globals and their static initialisers, string constants
//   memory.ts      places (addresses of variables, fields, elements), loads, stores, copies
//   slices.ts      bounds-checked s[i], slice(), .sub(), an Arr as a Slice
//   exprs.ts       values of expressions, constants, conversions
//   operators.ts   arithmetic, shifts, division, comparisons, logic, assignments, panics
//   calls.ts       calls; builtins.ts: builtin calls and intrinsics
//   format.ts      template literals: static descriptions and argument records
//   classes.ts     construction in place, methods, accessors, super(...)
//   stmts.ts       statements and control flow
//   locals.ts      destructuring declarations; nullish.ts: `??` and `??=`
//   iteration.ts   for…of
//   abi.ts         struct and array parameters and results (sret); Slice<T> too
//   debuginfo.ts   DWARF / CodeView line tables for -g
import * as ts from 'typescript';
import { FuncInfo, selfParams } from '../check/entities';
import { irMemType, alignOf, isAggregate } from '../check/types';
import { irParam, irReturn, isEfiBool, returnsByPointer, sretParam } from './abi';
import { FnBuilder, globalName } from '../emit/ir';
import { deepest, outermostExpression, tooDeepMessage } from '../check/nesting';
import { isStackOverflow } from '../diagnostics';
import { IterationLowerer } from './iteration';

export type { Place } from './state';

/** Instructions of a function LLVM may still inline at every use under -Oz (outOfLine). */
const TINY_INSTRUCTIONS = 20;

/** IR instructions of a lowered function, without the stack slots and parameter stores
 *  that promoting locals to registers removes. */
function instructionCount(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('  ') || / = alloca /.test(line) || /^ {2}store \S+ %p\d+, ptr /.test(line)) continue;
    n++;
  }
  return n;
}

/** Where a function's attribute group goes in its header, decided once every use is known. */
const ATTRS_HERE = '\u0000attrs\u0000';

export class Lowerer extends IterationLowerer {
  /** -Oz: every function is optimised for size except those tagged @hot. */
  sizeFirst = false;
  /** Lowered functions waiting for their attributes (see outOfLine). */
  private finished: { f: FuncInfo; attrs: string[]; text: string }[] = [];

  run(): string {
    const roots = this.c.funcs.filter((f) => !f.external && (f.tags.symbol || f === this.c.entryMain));
    for (const f of roots) this.want(f);
    while (this.queue.length) this.lowerFunction(this.queue.shift()!);
    this.c.enterInstance(undefined);
    for (const { f, attrs, text } of this.finished) {
      const all = this.outOfLine(f, text) ? [...attrs, 'noinline'] : attrs;
      this.mod.addFunction(globalName(f.irName), text.replace(ATTRS_HERE, `#${this.mod.attrGroup(all)}`));
    }
    return this.mod.toString();
  }

  /**
   * -Oz keeps a size-first function out of line when more than one place uses it, no @hot
   * function does, and its body is more than a few instructions. LLVM's inliner, even
   * under minsize, copies such functions into their callers when its cost model
   * underestimates them (a switch that becomes a lookup table, a message with a few
   * arguments): measured on the loaders, those copies were 3.4 KB of 61 KB. A function
   * used once is still inlined (that saves the call), so is a tiny one (a call and its
   * argument moves are as large as an accessor or a comparison: at most
   * TINY_INSTRUCTIONS instructions, aarch64's loader is 1 KB smaller for it), and one a
   * @hot function calls is left to LLVM, which inlines it for speed there.
   */
  private outOfLine(f: FuncInfo, text: string): boolean {
    const u = this.uses.get(f);
    if (!this.sizeFirst || f.tags.hot || f.tags.inline || f.tags.noinline || f.tags.naked) return false;
    if (u === undefined || u.count < 2 || u.fromHot) return false;
    return instructionCount(text) > TINY_INSTRUCTIONS;
  }

  private lowerFunction(f: FuncInfo): void {
    this.fn = f;
    this.c.enterInstance(f.instance); // a generic instance's body reads its own maps
    this.b = new FnBuilder();
    this.locals = new Map();
    this.loops = [];
    this.lowered = new Map();
    this.depth = 0;
    this.reached = { node: undefined, depth: 0 };
    const t = f.type;
    const attrs = [...this.target.fnAttrs];
    if (f.tags.inline) attrs.push('alwaysinline');
    if (f.tags.noinline || f.tags.naked) attrs.push('noinline');
    if (f.tags.naked) attrs.push('naked');
    if (f.tags.nobuiltins) attrs.push('"no-builtins"');
    if (f.tags.minsize || f.tags.cold || (this.sizeFirst && !f.tags.hot)) attrs.push('minsize', 'optsize');
    if (f.tags.cold) attrs.push('cold', ...(f.tags.inline ? [] : ['noinline']));
    if (t.ret.kind === 'never') attrs.push('noreturn');
    const linkage = f.tags.symbol || f === this.c.entryMain ? '' : 'internal ';
    const cc = this.cc(t);
    const params = t.params.map((p, i) => `${irParam(p, t)} %p${i}`);
    if (returnsByPointer(t)) params.unshift(`${sretParam(t)} %ret`);
    const sp = this.dbg?.subprogram(f);
    const name = globalName(f.irName);
    const header = `define ${linkage}${cc ? cc + ' ' : ''}${irReturn(t)} ${name}(${params.join(', ')})`
      + ` ${ATTRS_HERE}${sp ? ` !dbg ${sp}` : ''}`;
    if (!f.tags.naked) {
      const hidden = selfParams(f);
      t.params.forEach((p, i) => {
        // An aggregate parameter points at the callee's own copy: it is the local's storage.
        const sym = i >= hidden ? f.params[i - hidden] : undefined;
        if (isAggregate(p)) { if (sym) this.locals.set(sym, `%p${i}`); return; }
        const a = this.b.alloca(irMemType(p), Math.max(1, alignOf(p)));
        this.storeScalar(p, isEfiBool(p, t) ? this.b.icmp('ne', 'i8', `%p${i}`, '0') : `%p${i}`, a);
        if (sym) this.locals.set(sym, a);
      });
    }
    this.thisPtr = '%p0';
    // A constructor of a class without a base initialises its fields first (with a base,
    // right after `super(...)`).
    if (f.member?.role === 'ctor' && !f.member.cls.base) this.initFields(f.member.cls, '%p0');
    const body = f.decl.body!;
    try {
      if (!ts.isBlock(body)) {
        this.returnValue(body); // an arrow function's expression body
      } else if (f.tags.naked) {
        for (const st of body.statements) this.stmt(st);
        this.b.unreachable();
      } else {
        this.stmt(body);
      }
    } catch (e) {
      // An expression nested deeper than even the iterative pass copes with (nesting.ts).
      if (!isStackOverflow(e)) throw e;
      // The deeper of the body (nested statements) and the expression that was lowered deepest.
      const inBody = deepest(body);
      const expr = outermostExpression(this.reached.node);
      const d = expr && expr.getSourceFile() ? deepest(expr) : inBody;
      const worst = d.depth > inBody.depth ? d : inBody;
      this.d.error(worst.node, tooDeepMessage(worst.depth));
      this.prelowering = false;
      return;
    }
    this.finished.push({ f, attrs, text: this.b.finish(header, irReturn(t)) });
  }
}
