// The uses of classes: `this`, `super`, `new C(...)`, member access (fields with their
// private/protected/readonly checks, accessors, static members), method calls, and calls
// of EfiMethod fields that pass the protocol pointer implicitly. The declarations
// themselves (layout, members, bodies) are in classes.ts.
//
// Dispatch is static: `obj.m(x)` calls the m that obj's class (or its nearest base)
// declares, with the object's address as the hidden first parameter (docs/language.md,
// "Classes").
import * as ts from 'typescript';
import { Type, FnType, Field, ERROR, UNTYPED, ptrTo, typeName } from './types';
import { ClassInfo, FuncInfo, GlobalInfo, ConstInfo, ctorOf } from './entities';
import { REJECTED } from './rejected';
import { FunctionChecker } from './functions';

const TS = ts.SyntaxKind;

export function classType(cls: ClassInfo): Type { return { kind: 'struct', info: cls.struct }; }

/** Whether `e` is the callee of a call: `e(...)`. */
function isCallee(e: ts.Expression): boolean {
  return ts.isCallExpression(e.parent) && e.parent.expression === e;
}

/** Whether `e` is the target of an assignment with `op` (any assignment operator). */
function assignedBy(e: ts.Expression): ts.SyntaxKind | undefined {
  const p = e.parent;
  if (ts.isBinaryExpression(p) && p.left === e && p.operatorToken.kind >= TS.FirstAssignment
    && p.operatorToken.kind <= TS.LastAssignment) return p.operatorToken.kind;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p))
    && (p.operator === TS.PlusPlusToken || p.operator === TS.MinusMinusToken)) return p.operator;
  return undefined;
}

export abstract class ClassMemberChecker extends FunctionChecker {
  protected abstract classOf(decl: ts.ClassDeclaration, use: ts.Node, args?: Type[]): ClassInfo | undefined;
  protected abstract typeArgs(decl: ts.ClassDeclaration, written: readonly ts.TypeNode[], use: ts.Node):
    Type[] | undefined;
  /** Method names used as callees, and the method each one calls. */
  private readonly methodRefs = new Map<ts.Node, FuncInfo>();

  /** A member of a class or of its nearest base that has it. */
  protected lookup(
    cls: ClassInfo | undefined, name: string, table: 'methods' | 'getters' | 'setters',
  ): FuncInfo | undefined {
    for (let c = cls; c; c = c.base) {
      const m = c[table].get(name);
      if (m) return m;
    }
    return undefined;
  }

  private lookupStatic(cls: ClassInfo, name: string): FuncInfo | GlobalInfo | ConstInfo | undefined {
    for (let c: ClassInfo | undefined = cls; c; c = c.base) {
      const m = c.statics.get(name);
      if (m) return m;
    }
    return undefined;
  }

  /** Reports a use of a private or protected member outside where it is visible. */
  private checkAccess(at: ts.Node, cls: ClassInfo, name: string, isStatic: boolean): void {
    const key = isStatic ? `static ${name}` : name;
    let owner: ClassInfo | undefined = cls;
    while (owner && !owner.access.has(key)) owner = owner.base;
    const access = owner?.access.get(key);
    if (!owner || !access) return;
    const here = this.selfClass ?? this.fn?.member?.cls;
    let ok = here?.decl === owner.decl;
    if (access === 'protected') for (let c = here; c && !ok; c = c.base) ok = c.decl === owner.decl;
    if (ok) return;
    const where = access === 'private' ? `inside class ${owner.name}` : `inside class ${owner.name} and its subclasses`;
    this.d.error(at, `'${name}' is ${access} to class ${owner.name}: it can be used only ${where}; `
      + `make it public, or add a method to ${owner.name} that does this`);
  }

  protected thisExpr(e: ts.Expression): Type {
    if (this.selfClass) return classType(this.selfClass);
    const m = this.fn?.member;
    if (m?.role === 'static') {
      this.d.error(e, `a static method has no \`this\`; name the class instead: ${m.cls.name}.x`);
    } else this.d.error(e, REJECTED[TS.ThisKeyword]!);
    return ERROR;
  }

  /** `super` in `super.m(...)`: the object as its base class. */
  protected superExpr(e: ts.Expression): Type {
    const base = this.selfClass?.base;
    const p = e.parent;
    if (!base || !ts.isPropertyAccessExpression(p) || !isCallee(p)) {
      this.d.error(e, REJECTED[TS.SuperKeyword]!);
      return ERROR;
    }
    return classType(base);
  }

  /** `super(...)`: constructs the base part, first thing in a derived class's constructor. */
  protected superCall(e: ts.CallExpression): Type {
    const f = this.fn;
    const base = f?.member?.role === 'ctor' ? f.member.cls.base : undefined;
    const body = f?.decl.body;
    const first = body && ts.isBlock(body) && body.statements[0];
    if (!base || !first || !ts.isExpressionStatement(first) || first.expression !== e) {
      this.d.error(e, base && f?.member?.role === 'ctor'
        ? '`super(...)` must be the first statement of the constructor: the base part is built before anything else'
        : REJECTED[TS.SuperKeyword]!);
      e.arguments.forEach((a) => this.expr(a, undefined));
      return ERROR;
    }
    this.calls.set(e, { kind: 'super', cls: base });
    this.ctorArgs(e, base);
    return { kind: 'void' };
  }

  protected newExpr(e: ts.NewExpression, ctx: Type | undefined): Type {
    const sym = ts.isIdentifier(e.expression) ? this.symbolOf(e.expression) : undefined;
    const decl = sym?.declarations?.[0];
    if (!decl || !ts.isClassDeclaration(decl)) {
      this.d.error(e, REJECTED[TS.NewExpression]!);
      return ERROR;
    }
    const args = this.newTypeArgs(e, decl, ctx);
    const cls = args && this.classOf(decl, e, args);
    if (!cls) { e.arguments?.forEach((a) => this.expr(a, undefined)); return ERROR; }
    if (cls.ctor) this.checkAccess(e, cls, 'constructor', false);
    this.news.set(e, cls);
    this.ctorArgs(e, cls);
    return classType(cls);
  }

  /** The arguments of `new C(...)` or `super(...)`: those of the constructor that runs, defaults left out. */
  private ctorArgs(e: ts.NewExpression | ts.CallExpression, cls: ClassInfo): void {
    const ctor = ctorOf(cls);
    this.args(e, ctor?.type.params.slice(1) ?? [], `the constructor of ${cls.name}`, ctor?.required);
  }

  /**
   * The type arguments of `new C<...>(...)`: written, or for a generic class without them,
   * those of the type the new object goes to (`let r: Ring<u8> = new Ring()`), as tsc infers
   * them from the context. They are not inferred from the constructor's arguments, where
   * tsc would take `number` from a literal: write them.
   */
  private newTypeArgs(e: ts.NewExpression, decl: ts.ClassDeclaration, ctx: Type | undefined): Type[] | undefined {
    const n = decl.typeParameters?.length ?? 0;
    if (n === 0 || e.typeArguments?.length) return this.typeArgs(decl, e.typeArguments ?? [], e);
    const want = ctx?.kind === 'struct' ? this.classes.get(ctx.info) : undefined;
    if (want?.decl === decl && want.typeArgs.length) return want.typeArgs;
    const name = decl.name?.text ?? '';
    const params = decl.typeParameters!.map((p) => p.name.text).join(', ');
    const one = n === 1;
    this.d.error(e, `new ${name}(...) needs its type argument${one ? '' : 's'} (${name}<${params}>): write `
      + `${one ? 'it' : 'them'}, e.g. \`new ${name}<${decl.typeParameters!.map(() => 'u32').join(', ')}>(...)\`, `
      + 'or give the variable the type');
    return undefined;
  }

  /** The type of `let g = new C(...)` at module level, which needs no annotation. */
  protected newType(init: ts.Expression | undefined): Type | undefined {
    if (!init || !ts.isNewExpression(init) || !ts.isIdentifier(init.expression)) return undefined;
    const decl = this.symbolOf(init.expression)?.declarations?.[0];
    if (!decl || !ts.isClassDeclaration(decl)) return undefined;
    const args = decl.typeParameters?.length ? init.typeArguments && this.typeArgs(decl, init.typeArguments, init) : [];
    const cls = args && this.classOf(decl, init, args);
    return cls ? classType(cls) : undefined;
  }

  /** `C.x`, `C.m(...)`: a static field, constant or method (inherited ones too). */
  protected staticMember(e: ts.PropertyAccessExpression, decl: ts.ClassDeclaration): Type {
    const cls = this.classOf(decl, e);
    if (!cls) return ERROR;
    const name = e.name.text;
    const found = this.lookupStatic(cls, name);
    if (!found) {
      const instance = this.field(cls.struct, name) || this.lookup(cls, name, 'methods')
        || this.lookup(cls, name, 'getters') || this.lookup(cls, name, 'setters');
      this.d.error(e.name, instance
        ? `'${name}' is an instance member of ${cls.name}; use it on an object: \`obj.${name}\``
        : `class ${cls.name} has no static member '${name}'`);
      return ERROR;
    }
    this.checkAccess(e.name, cls, name, true);
    const m = found;
    this.staticRefs.set(e, m);
    if (m.kind === 'func') return isCallee(e) ? m.type : this.functionValue(e, m);
    if (m.kind === 'global') return m.type;
    const v = this.constInfoValue(m, e);
    if (v === undefined) return m.type ?? ERROR;
    return this.setConst(e, v, m.type ?? UNTYPED);
  }

  /**
   * `obj.name` where obj is a class instance (or a Ptr to one): a field (checked for
   * access here, typed by the caller), an accessor, or a method being called.
   */
  protected classMember(e: ts.PropertyAccessExpression, cls: ClassInfo): Type | undefined {
    const name = e.name.text;
    if (this.field(cls.struct, name)) { this.checkAccess(e.name, cls, name, false); return undefined; }
    const get = this.lookup(cls, name, 'getters'), set = this.lookup(cls, name, 'setters');
    if (get || set) {
      this.checkAccess(e.name, cls, name, false);
      const target = assignedBy(e);
      if (!get && target !== TS.EqualsToken) {
        this.d.error(e.name, `'${name}' of ${cls.name} has a setter but no getter, so it cannot be read`);
        return ERROR;
      }
      this.accessors.set(e, { get, set, self: e.expression });
      return get ? get.type.ret : set!.type.params[1];
    }
    const m = this.lookup(cls, name, 'methods');
    if (m) {
      this.checkAccess(e.name, cls, name, false);
      if (!isCallee(e)) {
        this.d.error(e, `method '${name}' of ${cls.name} is not a value: call it (a method bound to its object `
          + 'would be a closure); for a function pointer use a static method or a module function');
        return ERROR;
      }
      this.methodRefs.set(e, m);
      return m.type;
    }
    if (this.lookupStatic(cls, name)) {
      this.d.error(e.name, `'${name}' is a static member of ${cls.name}; write ${cls.name}.${name}`);
      return ERROR;
    }
    this.d.error(e.name, `class ${cls.name} has no member '${name}'`);
    return ERROR;
  }

  /**
   * Calls of members: a static method (`C.m(x)`), an instance method (`obj.m(x)` is
   * `C.m(addressOf(obj), x)`), or an EfiMethod field called without its first argument
   * (`gop.QueryMode(mode, ...)` passes gop). Undefined for an ordinary function pointer.
   */
  protected memberCall(e: ts.CallExpression, ft: FnType): Type | undefined {
    const callee = e.expression;
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const s = this.staticRefs.get(callee);
    if (s?.kind === 'func') return this.directCall(e, s);
    const method = this.methodRefs.get(callee);
    if (method) {
      const pre: (Type | undefined)[] = [];
      const m = this.calleeFor(e, method, pre);
      if (!m) return ERROR;
      this.calls.set(e, { kind: 'method', f: m, self: callee.expression });
      this.selfOperand(callee.expression, m.type.params[0]);
      this.args(e, m.type.params.slice(1), `'${m.name}'`, m.required, pre);
      return m.type.ret;
    }
    if (!ft.method || e.arguments.length === ft.params.length) return undefined;
    if (e.arguments.length !== ft.params.length - 1) {
      const n = ft.params.length - 1;
      this.d.error(e, `'${callee.name.text}' takes ${n} argument${n === 1 ? '' : 's'} (the protocol is passed for `
        + `you), or ${n + 1} with the protocol first, not ${e.arguments.length}`);
      e.arguments.forEach((a) => this.expr(a, undefined));
      return ft.ret;
    }
    this.calls.set(e, { kind: 'indirect', type: ft, self: callee.expression });
    this.selfOperand(callee.expression, ft.params[0]);
    this.args(e, ft.params.slice(1), `'${callee.name.text}'`);
    return ft.ret;
  }

  /** Checks that the object before `.m(...)` can be passed as the hidden pointer `to`. */
  private selfOperand(obj: ts.Expression, to: Type): void {
    const t = this.types.get(obj);
    if (!t || t.kind === 'error' || obj.kind === TS.SuperKeyword) return;
    const p = t.kind === 'ptr' ? t : ptrTo(t);
    if (!this.implicitly(p, to)) {
      this.d.error(obj, `cannot pass ${typeName(p)} as the ${typeName(to)} this call needs first`);
    }
  }

  /** An accessor as an assignment target: only `obj.x = v`, with a setter. */
  protected accessorTarget(e: ts.Expression): boolean {
    const acc = this.accessors.get(e)!;
    const name = (e as ts.PropertyAccessExpression).name.text;
    const op = assignedBy(e);
    if (!acc.set) {
      this.d.error(e, `'${name}' has a getter but no setter, so it cannot be assigned`);
      return false;
    }
    if (op !== TS.EqualsToken) {
      this.d.error(e, `'${name}' is an accessor: compound assignment and ++/-- are not supported on it; `
        + `write \`x.${name} = x.${name} + 1\``);
      return false;
    }
    return true;
  }

  /** Whether an assignment to a readonly field is its class's constructor initialising it. */
  protected initialising(e: ts.PropertyAccessExpression, f: Field): boolean {
    const m = this.fn?.member;
    return m?.role === 'ctor' && f.owner === m.cls.struct && e.expression.kind === TS.ThisKeyword;
  }
}
