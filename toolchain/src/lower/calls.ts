// Calls: direct calls, calls through function pointers (with the UEFI calling convention
// where the type says Efiapi), conversion calls, and builtins (lowered in builtins.ts).
import * as ts from 'typescript';
import { Type, FnType, I64, isAggregate, alignOf, irMemType } from '../check/types';
import { FuncInfo } from '../check/entities';
import { CallKind } from '../check/state';
import { irParam, irReturn, irStorage, isEfiBool, returnsByPointer, sretParam } from './abi';
import { lowerBuiltin } from './builtins';
import { OperatorLowerer } from './operators';

export abstract class CallLowerer extends OperatorLowerer {
  /** Method calls, `super(...)`, and EfiMethod calls with an implicit first argument (lower/classes.ts). */
  protected abstract memberCall(e: ts.CallExpression, k: CallKind): string;

  protected call(e: ts.CallExpression, t: Type): string {
    const k = this.c.calls.get(e);
    if (!k) return 'poison';
    switch (k.kind) {
      case 'convert': {
        const a = e.arguments[0];
        const at = this.c.types.get(a)!;
        return this.convert(this.value(a), at.kind === 'untyped' ? I64 : at, k.to);
      }
      case 'direct': return this.emitCall(this.want(k.f), k.f.type, e.arguments, k.f);
      case 'method': case 'super': return this.memberCall(e, k);
      case 'indirect': {
        if (k.self) return this.memberCall(e, k);
        const callee = this.value(e.expression);
        if (e.questionDotToken) this.nullExit(callee);
        return this.emitCall(callee, k.type, e.arguments);
      }
      case 'builtin': return lowerBuiltin(this, e, k.name, k.typeArg, t);
    }
  }

  /**
   * A call; an aggregate result is the address of a temporary the callee filled in (abi.ts).
   * `pre` are the values of leading hidden parameters (a method's `this`), then `args`.
   */
  emitCall(callee: string, ft: FnType, args: readonly ts.Expression[], f?: FuncInfo, pre: string[] = []): string {
    const vals = this.argValues(ft, args, f, pre).map((v, i) => this.abiArg(ft, ft.params[i], v));
    let result = '';
    if (returnsByPointer(ft)) {
      result = this.b.alloca(irStorage(ft.ret), Math.max(1, alignOf(ft.ret)));
      vals.unshift(`${sretParam(ft)} ${result}`);
    }
    const r = this.b.call(irReturn(ft), callee, vals, this.cc(ft));
    if (ft.ret.kind === 'never') this.b.unreachable();
    return result || (isEfiBool(ft.ret, ft) ? this.b.icmp('ne', 'i8', r, '0') : r);
  }

  /**
   * The values of a call's arguments, one per parameter of `ft`: `pre` (the hidden leading
   * ones), then those written, in order, then the defaults of `f`'s parameters left out.
   */
  protected argValues(ft: FnType, args: readonly ts.Expression[], f?: FuncInfo, pre: string[] = []): string[] {
    const n = Math.min(ft.params.length, pre.length + args.length);
    const vals = ft.params.slice(0, n)
      .map((p, i) => (i < pre.length ? pre[i] : this.argument(args[i - pre.length], p)));
    return f && n < ft.params.length ? this.withDefaults(f, vals, pre.length) : vals;
  }

  /** An argument as the callee's IR takes it: a bool to an Efiapi function as a BOOLEAN byte (abi.ts). */
  private abiArg(ft: FnType, p: Type, v: string): string {
    return isEfiBool(p, ft) ? `i8 ${this.b.cast('zext', 'i1', v, 'i8')}` : `${irParam(p)} ${v}`;
  }

  /**
   * Completes `vals` (the `hidden` leading values, then the arguments written) with the
   * defaults of the parameters left out (check/defaults.ts): each is evaluated here, in the
   * caller, with the callee's earlier parameters bound to storage holding their values and,
   * for an instance method, `this` standing for the object the call is on.
   */
  private withDefaults(f: FuncInfo, vals: string[], hidden: number): string[] {
    const saved = f.params.map((s) => this.locals.get(s));
    const savedThis = this.thisPtr;
    if (hidden) this.thisPtr = vals[0];
    const bind = (j: number): void => {
      const p = f.type.params[hidden + j], v = vals[hidden + j];
      let storage = v;
      if (!isAggregate(p)) {
        storage = this.b.alloca(irMemType(p), Math.max(1, alignOf(p)));
        this.storeScalar(p, v, storage);
      }
      this.locals.set(f.params[j], storage);
    };
    for (let j = 0; j < f.params.length; j++) {
      if (hidden + j >= vals.length) {
        const p = f.type.params[hidden + j];
        vals.push(this.inMaps(f.instance, () => this.argument(f.decl.parameters[j].initializer!, p)));
      }
      if (j + 1 < f.params.length) bind(j); // the last parameter is no later one's default's
    }
    this.thisPtr = savedThis;
    f.params.forEach((s, i) => {
      const old = saved[i];
      if (old === undefined) this.locals.delete(s); else this.locals.set(s, old);
    });
    return vals;
  }

  /** An argument's value; for an aggregate parameter, the address of a fresh copy. */
  protected argument(e: ts.Expression, p: Type): string {
    if (!isAggregate(p)) return this.value(e, p);
    const copy = this.b.alloca(irStorage(p), Math.max(1, alignOf(p)));
    this.assignTo({ addr: copy, type: p }, e);
    return copy;
  }
}
