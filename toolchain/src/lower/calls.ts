// Calls: direct calls, calls through function pointers (with the UEFI calling convention
// where the type says Efiapi), conversion calls, and builtins (lowered in builtins.ts).
import * as ts from 'typescript';
import { Type, FnType, I64, irType } from '../check/types';
import { CallKind } from '../check/state';
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
      case 'direct': return this.emitCall(this.want(k.f), k.f.type, e.arguments);
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

  /** A call; `pre` are the values of leading hidden parameters (a method's `this`), then `args`. */
  emitCall(callee: string, ft: FnType, args: readonly ts.Expression[], pre: string[] = []): string {
    const vals = ft.params.map((p, i) =>
      `${irType(p)} ${i < pre.length ? pre[i] : this.value(args[i - pre.length], p)}`);
    const r = this.b.call(irType(ft.ret), callee, vals, this.cc(ft));
    if (ft.ret.kind === 'never') this.b.unreachable();
    return r;
  }
}
