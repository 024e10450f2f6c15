// Calls: direct calls of functions, calls through function pointers, conversion calls
// such as u32(x), and the checking of arguments. Builtin calls are typed in
// builtin-calls.ts.
import * as ts from 'typescript';
import { Type, FnType, IntType, BOOL, ERROR, U32, UNTYPED, INT_TYPES, isIntegral, wrap, typeName } from './types';
import { FuncInfo } from './entities';
import { BUILTINS } from './builtins';
import { charCodeCall } from './literals';
import { OperatorChecker } from './operators';

export abstract class CallChecker extends OperatorChecker {
  protected abstract builtinCall(e: ts.CallExpression, name: string): Type;
  /** Calls of class members and EfiMethod fields, and `super(...)` (check/class-members.ts). */
  protected abstract memberCall(e: ts.CallExpression, ft: FnType): Type | undefined;
  protected abstract superCall(e: ts.CallExpression): Type;
  /** `s.sub(a, b)` on a Slice or Arr (slices.ts); undefined for other calls. */
  protected abstract sliceMethod(e: ts.CallExpression, callee: ts.PropertyAccessExpression): Type | undefined;

  protected call(e: ts.CallExpression): Type {
    const lit = charCodeCall(e);
    if (lit) return this.charCode(e, lit.text);
    const callee = e.expression;
    if (callee.kind === ts.SyntaxKind.SuperKeyword) return this.superCall(e);
    const member = ts.isPropertyAccessExpression(callee) ? this.namespaceMember(callee) : undefined;
    if (ts.isIdentifier(callee) || member) {
      const text = callee.getText();
      if (e.questionDotToken) {
        this.d.error(e, `'${text}' is a function, which is never null; call it as ${text}(...)`);
      }
      const sym = member ?? this.symbolOf(callee);
      const decl = sym?.declarations?.[0];
      if (sym && decl && this.isLibDecl(decl) && !this.entities.has(sym)) {
        const name = sym.name;
        if (INT_TYPES[name] || name === 'bool') return this.conversion(e, name === 'bool' ? BOOL : INT_TYPES[name]);
        if (BUILTINS.has(name)) return this.builtinCall(e, name);
        const f = this.stdByName.get(name);
        if (f) return this.directCall(e, f);
        this.d.error(callee, `'${name}' is declared but has no implementation for target ${this.target.name}`);
        return ERROR;
      }
      const ent = sym && this.entities.get(sym);
      if (ent?.kind === 'func') return this.directCall(e, ent);
    }
    const method = ts.isPropertyAccessExpression(callee) ? this.sliceMethod(e, callee) : undefined;
    if (method) return method;
    const ft = this.expr(callee, undefined);
    if (e.questionDotToken && !this.optionalBase(e, callee, ft)) return ERROR;
    if (ft.kind === 'error') { e.arguments.forEach((a) => this.expr(a, ERROR)); return ERROR; }
    if (ft.kind !== 'fn') { this.d.error(callee, `${typeName(ft)} is not callable`); return ERROR; }
    const classCall = this.memberCall(e, ft);
    if (e.typeArguments?.length && (!classCall || this.calls.get(e)?.kind === 'indirect')) {
      this.d.error(e, 'a call through a function pointer takes no type arguments'); // a protocol method's too
    }
    if (classCall) return classCall;
    this.calls.set(e, { kind: 'indirect', type: ft });
    this.args(e, ft.params, 'function pointer');
    return ft.ret;
  }

  /** `"A".charCodeAt(0)`: a constant (literals.ts). */
  private charCode(e: ts.CallExpression, text: string): Type {
    const a = e.arguments[0];
    const t = a && e.arguments.length === 1 ? this.expr(a, undefined) : ERROR;
    const i = a && this.consts.get(a);
    if (t.kind === 'untyped') this.settle(a, U32);
    if (i === undefined || i < 0n || i >= BigInt(text.length)) {
      this.d.error(a ?? e, `charCodeAt takes one constant index into the literal (0 to ${text.length - 1}); `
        + 'for a run-time string read the byte: cast<u8>(s)[i]');
      return ERROR;
    }
    return this.setConst(e, BigInt(text.charCodeAt(Number(i))), UNTYPED);
  }

  /** A call of a function or a static method (an instance of it, when it is generic). */
  protected directCall(e: ts.CallExpression, f: FuncInfo): Type {
    const pre: (Type | undefined)[] = [];
    const inst = this.calleeFor(e, f, pre);
    if (!inst) return ERROR;
    f = inst;
    this.calls.set(e, { kind: 'direct', f });
    this.args(e, f.type.params, `'${f.name}'`, f.required, pre);
    if (f.instance) this.instanceCall(e, f);
    return f.type.ret;
  }

  /**
   * What a call of `f` calls: f, or for a generic function or method the instance for the
   * call's type arguments, written or inferred from the arguments (typed into `pre`, by
   * position). Undefined after an error, with every argument typed.
   */
  protected calleeFor(e: ts.CallExpression, f: FuncInfo, pre: (Type | undefined)[]): FuncInfo | undefined {
    if (!f.generic) {
      if (e.typeArguments?.length) this.d.error(e, `'${f.name}' is not generic; call it without type arguments`);
      return f;
    }
    const inst = this.genericCallee(e, f, pre);
    if (!inst) e.arguments.forEach((a, i) => pre[i] ?? this.expr(a, undefined));
    return inst;
  }

  /** Checks the arguments of a call; `pre` holds the types of those already typed (by position). */
  protected args(
    e: ts.CallExpression | ts.NewExpression, params: Type[], what: string, optionalFrom = params.length,
    pre: (Type | undefined)[] = [],
  ): void {
    const args = e.arguments ?? [];
    const n = args.length;
    if (n < optionalFrom || n > params.length) {
      const count = optionalFrom === params.length ? `${params.length}` : `${optionalFrom} to ${params.length}`;
      this.d.error(e, `${what} takes ${count} argument${count === '1' ? '' : 's'}, not ${n}`);
    }
    args.forEach((a, i) => {
      const pt = params[i];
      const t = pre[i] ?? this.expr(a, pt);
      if (pt) this.assignable(a, t, pt, 'argument');
    });
  }

  private conversion(e: ts.CallExpression, to: Type): Type {
    this.calls.set(e, { kind: 'convert', to });
    if (e.arguments.length !== 1) { this.d.error(e, `${typeName(to)}(x) takes one argument`); return to; }
    const a = e.arguments[0];
    const t = this.expr(a, undefined);
    if (t.kind === 'error') return to;
    const c = this.consts.get(a);
    if (to.kind === 'bool') {
      if (!isIntegral(t)) this.d.error(a, `bool(x) converts an integer, not ${typeName(t)}`);
      if (c !== undefined) this.consts.set(e, c !== 0n ? 1n : 0n);
      return BOOL;
    }
    if (!isIntegral(t) && t.kind !== 'bool') {
      const hint = t.kind === 'ptr' || t.kind === 'str' ? '; use addr(p)' : '';
      this.d.error(a, `${typeName(to)}(x) converts integers, enums and bools, not ${typeName(t)}${hint}`);
      return to;
    }
    if (t.kind === 'untyped' && c === undefined) {
      this.noType(a, `${typeName(to)}(x) converts a value that already has a type`, typeName(to));
      return to;
    }
    if (t.kind === 'untyped' && c !== undefined) {
      // An explicit conversion of a constant wraps it: u64(-1) is all ones. The constant
      // itself becomes the signed type of the target's width.
      const it = to as IntType;
      const signed: IntType = it.signed ? it : { ...it, signed: true, name: 'i' + it.bits };
      this.consts.set(a, wrap(c, signed));
      this.types.set(a, signed);
    }
    if (c !== undefined) this.consts.set(e, wrap(c, to as IntType));
    return to;
  }
}
