// Calls: direct calls, calls through function pointers (with the UEFI calling convention
// where the type says Efiapi), conversion calls, and builtins (lowered in builtins.ts).
import * as ts from 'typescript';
import { Type, FnType, I64 } from '../check/types';
import { passType } from './slices';
import { lowerBuiltin } from './builtins';
import { OperatorLowerer } from './operators';

export abstract class CallLowerer extends OperatorLowerer {
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
      case 'indirect': {
        const callee = this.value(e.expression);
        if (e.questionDotToken) this.nullExit(callee);
        return this.emitCall(callee, k.type, e.arguments);
      }
      case 'builtin': return lowerBuiltin(this, e, k.name, k.typeArg, t);
    }
  }

  emitCall(callee: string, ft: FnType, args: readonly ts.Expression[]): string {
    const vals = ft.params.map((p, i) => `${passType(p)} ${this.passValue(args[i], p)}`);
    const r = this.b.call(passType(ft.ret), callee, vals, this.cc(ft));
    if (ft.ret.kind === 'never') this.b.unreachable();
    return this.received(r, ft.ret);
  }
}
