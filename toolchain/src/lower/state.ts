// What every part of the lowering shares: the module being built, the function being
// lowered (its IR builder, the stack slots of its locals, the targets of break and
// continue), and the queue of functions still to emit.
//
// Like the checker, the lowering is one class built in layers, one file per concern:
// state → globals → memory → slices → exprs → operators → calls → format → classes →
// stmts → locals → nullish → iteration → lower.ts. A layer calls those below it directly;
// `value` (every part needs the value of an expression) is the one call that goes up,
// declared abstract here, and a few hooks (`destructure`, `nullish`, `construct`, `forOf`,
// ...) that a shared switch calls are declared abstract where it is.
import * as ts from 'typescript';
import { Checker } from '../check/checker';
import { FuncInfo, Instance } from '../check/entities';
import { Type, FnType } from '../check/types';
import { irParam, irReturn } from './abi';
import { ModuleBuilder, FnBuilder, globalName } from '../emit/ir';
import { Target } from '../targets';
import { Diagnostics } from '../diagnostics';
import { DebugInfo } from './debuginfo';

/** Storage: an address and the type of what it holds. */
export interface Place { addr: string; type: Type }

/** Where `break` and `continue` go in the innermost enclosing loops, switches and labels. */
export interface LoopTargets { brk: string; cont?: string; label?: string }

export abstract class LowerState {
  readonly mod: ModuleBuilder;
  b!: FnBuilder;
  fn!: FuncInfo;
  protected locals = new Map<ts.Symbol, string>();
  /** The object `this` denotes: a method's hidden first parameter, or one being initialised. */
  protected thisPtr = '%p0';
  protected loops: LoopTargets[] = [];
  protected queue: FuncInfo[] = [];
  /** How deep value() is nested now, and the values lowered ahead (check/nesting.ts). */
  protected depth = 0;
  /**
   * The expression lowered at the greatest depth so far in this function: where the stack
   * ran out if it did, which may lie outside the function's body (a callee's default value,
   * a class's field initialiser, lowered at the call or the `new`).
   */
  protected reached: { node: ts.Node | undefined; depth: number } = { node: undefined, depth: 0 };
  protected lowered = new Map<ts.Node, string>();
  protected prelowering = false;
  private emitted = new Set<FuncInfo>();
  /** How many places name each function (calls and function values), and whether a @hot
   *  function is among them: -Oz keeps a function out of line by these (lower.ts). */
  protected uses = new Map<FuncInfo, { count: number; fromHot: boolean }>();
  readonly dbg: DebugInfo | undefined;

  constructor(readonly c: Checker, readonly target: Target, readonly d: Diagnostics, debug: boolean) {
    this.mod = new ModuleBuilder(target.triple);
    this.dbg = debug ? new DebugInfo(this.mod, target) : undefined;
  }

  /** The value of an expression, converted to `want` when given. */
  abstract value(e: ts.Expression, want?: Type): string;

  cc(t: FnType): string { return t.efiapi && this.target.arch === 'x86_64' ? 'win64cc' : ''; }

  /** Requests a function's emission and returns its global name. */
  want(f: FuncInfo): string {
    const name = globalName(f.irName);
    const u = this.uses.get(f) ?? { count: 0, fromHot: false };
    u.count++;
    u.fromHot ||= this.fn?.tags.hot === true;
    this.uses.set(f, u);
    if (f.external) {
      const params = f.type.params.map((p) => irParam(p, f.type));
      this.mod.declare({ name, ret: irReturn(f.type), params, cc: this.cc(f.type), attrs: [] });
    } else if (!this.emitted.has(f)) {
      this.emitted.add(f);
      this.queue.push(f);
    }
    return name;
  }

  /**
   * Runs `body` in the checker's maps of a generic instance (undefined: the program's),
   * coming back to those of the function being lowered: a default value is read in its
   * callee's maps, a field initialiser in its class's (check/generics.ts).
   */
  protected inMaps<R>(inst: Instance | undefined, body: () => R): R {
    if (inst === this.fn?.instance) return body();
    this.c.enterInstance(inst);
    try { return body(); } finally { this.c.enterInstance(this.fn?.instance); }
  }

  symbolOf(id: ts.Identifier): ts.Symbol | undefined {
    return this.c.symbolOf(id);
  }

  /** Attaches the source position of `node` to the instructions that follow (with -g). */
  protected at(node: ts.Node): void {
    if (this.dbg) this.b.dbg = this.dbg.location(node);
  }
}
