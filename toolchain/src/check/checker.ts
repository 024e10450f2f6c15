// Check stage: collects the program's declarations, resolves written types to subset
// types, types every expression (literals by context), folds constants exactly, and
// rejects everything outside the subset with a diagnostic that says what to use instead.
// The lowering stage reads the maps this class fills; it never re-derives a type.
//
// Where each concern lives (each file is one layer of the class, see state.ts):
//   state.ts          the maps and the program's symbols
//   consts.ts         literals, named constants, constant folding
//   convert.ts        implicit conversions, assignability, common operand types
//   resolve.ts        written types, struct layout, enums
//   generics.ts       generic functions and structs: instances, inference, constraints
//   exprs.ts          names, fields, elements, ?:, as, array and object literals, places
//   operators.ts      unary and binary operators, assignments
//   calls.ts          calls and conversion calls
//   format.ts         template literals and Fmt arguments (fmt-plan.ts: their static description)
//   builtin-calls.ts  builtins (table: builtins.ts)
//   slices.ts         Slice<T>: slice(p, n), .sub(), Arr to Slice
//   stmts.ts          statements; flow.ts: reachability of a function's end
//   functions.ts      function declarations and bodies
//   classes.ts        class declarations: layout, members, bodies; class-members.ts: their uses
//   locals.ts         destructuring declarations, the type of `let i = 0` from its uses
//   nullish.ts        `a ?? b`, `p ??= q`, `Ptr<T> | null`
//   nested.ts         nested and arrow functions (functions of their own), captures
//   iteration.ts      for…of
//   functions.ts      function declarations and bodies; defaults.ts: default parameters
//   decls.ts          module declarations, global initialisers
//   chains.ts         optional chains (`p?.f`)
//   rejected.ts       the syntax outside the subset and its messages
//   aggregates.ts     struct and array values at foreign boundaries (rejected there)
//   attributes.ts     @align and @repr; literals.ts: "lit".length, charCodeAt; embed.ts
import { ParsedProgram } from '../parse/program';
import { Diagnostics } from '../diagnostics';
import { Target } from '../targets';
import { DeclChecker } from './decls';

export type { CallKind } from './state';

export class Checker extends DeclChecker {
  constructor(p: ParsedProgram, target: Target, d: Diagnostics) {
    super(p, target, d);
  }

  /** Checks the whole program; `requireMain: false` (tsboot check, the editor plugin) does not
   *  ask the entry file for a `main`. */
  run(opts: { requireMain?: boolean } = {}): void {
    for (const sf of this.userFiles) this.collect(sf);
    for (const sf of this.p.std) {
      for (const f of this.funcs) if (f.decl.getSourceFile() === sf && f.exported) this.stdByName.set(f.name, f);
    }
    this.inferPendingResults(); // arrow functions' result types, now that every name is known
    for (const c of this.moduleConsts) if (c.init) this.guarded(c.decl, () => this.constInfoValue(c, c.decl));
    // Classes first: a global's `new C()` is constant only if C's field initialisers are.
    this.checkClasses();
    for (const g of this.globals) this.guarded(g.decl, () => this.checkGlobal(g));
    // Function bodies and class members until no new instance appears: a function may
    // instantiate a generic class, and the members of that instance generic functions.
    let done = 0;
    do {
      for (; done < this.funcs.length; done++) if (!this.funcs[done].external) this.checkFunction(this.funcs[done]);
    } while (this.checkClasses());
    if (opts.requireMain !== false) this.findEntry();
  }

  private findEntry(): void {
    const sym = this.tc.getSymbolAtLocation(this.p.entry);
    const main = sym && this.tc.getExportsOfModule(sym).find((s) => s.name === 'main');
    const e = main && this.entities.get(main);
    if (!e || e.kind !== 'func') {
      const os = this.target.os;
      const sig = os === 'linux' ? 'the exit status'
        : os === 'uefi' ? 'main(image: Ptr<void>, systemTable: Ptr<...>): u64 on uefi' : 'main(arg: u64): void on elf';
      this.d.add({
        file: this.d.rel(this.p.entry.fileName), line: 1, col: 1,
        message: `the entry file exports no function 'main'; add \`export function main(): i32\` (${sig})`,
      });
      return;
    }
    this.entryMain = e;
    if (!e.tags.symbol) e.irName = 'tsboot_main';
  }
}
