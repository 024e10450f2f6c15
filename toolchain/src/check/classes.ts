// Class declarations: a class is a struct (C layout in declaration order, base-class
// fields first, `/** @packed */` for no padding) with statically dispatched members:
// instance methods and accessors (taking the object's address as a hidden first
// parameter), a constructor, static methods, static fields (globals) and static readonly
// constants. This file builds a class's layout and members and checks their bodies and
// `implements` clauses; their uses are in class-members.ts.
//
// A generic class is monomorphised: each list of type arguments gets a ClassInfo of its own
// (layout, members, maps: generics.ts `classInstance`), checked when code first names it;
// its static members belong to the declaration and are shared by every instance. A generic
// method (`map<U>(...)`) is a generic FuncInfo whose instances are made per call's type
// arguments (generics.ts `functionInstance`), like a generic function's.
import * as ts from 'typescript';
import { Type, StructInfo, VOID, ERROR, ptrTo, sameType, typeName } from './types';
import { ClassInfo, FuncInfo, FnDecl, ConstInfo, GlobalInfo, Instance } from './entities';
import { rejectByValue } from './aggregates';
import { defaultsFrom } from './defaults';
import { ClassMemberChecker, classType } from './class-members';

const TS = ts.SyntaxKind;

/** Modifiers a member may have (its visibility, static, readonly, override). */
const MEMBER_MODIFIERS = [TS.PrivateKeyword, TS.ProtectedKeyword, TS.PublicKeyword, TS.StaticKeyword,
  TS.ReadonlyKeyword, TS.OverrideKeyword];
const ABSTRACT = '`abstract` is not supported: every method has a body and is called statically; give it a body, '
  + 'or for dynamic dispatch hold a function-pointer field (docs/language.md, "Classes")';

function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) && !!ts.getModifiers(n)?.some((m) => m.kind === kind);
}

/** What belongs to the static side of a class: static members, and what is reported once per declaration. */
function staticPart(m: ts.ClassElement): boolean {
  return hasModifier(m, TS.StaticKeyword) || ts.isClassStaticBlockDeclaration(m) || ts.isIndexSignatureDeclaration(m)
    || ts.isSemicolonClassElement(m);
}

function accessOf(n: ts.Node): 'private' | 'protected' | undefined {
  return hasModifier(n, TS.PrivateKeyword) ? 'private' : hasModifier(n, TS.ProtectedKeyword) ? 'protected' : undefined;
}

export abstract class ClassChecker extends ClassMemberChecker {
  protected abstract moduleName(sf: ts.SourceFile): string;
  abstract isConstantInit(e: ts.Expression): boolean;
  /**
   * Each class declaration's own ClassInfo: the class, or for a generic class the holder of
   * its static members, which its instances share (instances are made in generics.ts).
   */
  private readonly declared = new Map<ts.ClassDeclaration, ClassInfo | undefined>();
  private readonly classList: ClassInfo[] = [];
  /** Classes whose base class is being resolved: a class that extends itself meets itself here. */
  private readonly basing = new Set<ClassInfo>();

  /**
   * An error in how a class is written, whatever its type arguments: reported once, not
   * once per instance of a generic class (without an instance's context).
   */
  private declError(node: ts.Node, message: string): void {
    this.asDeclared(() => this.d.error(node, message));
  }

  /** Runs `report` without an instance's context, so that what it reports is reported once. */
  private asDeclared<R>(report: () => R): R {
    const context = this.d.context;
    this.d.context = undefined;
    try { return report(); } finally { this.d.context = context; }
  }

  /** A module-level class declaration: checked whether or not it is used. */
  protected collectClass(decl: ts.ClassDeclaration): void {
    if (!decl.name) { this.d.error(decl, 'a class needs a name'); return; }
    if (hasModifier(decl, TS.AbstractKeyword)) this.d.error(decl.name, ABSTRACT);
    this.modifiers(decl, [TS.ExportKeyword, TS.AbstractKeyword], 'classes');
    if (decl.typeParameters?.length) this.typeParameters(decl);
    this.declaredClass(decl);
  }

  protected classType(decl: ts.ClassDeclaration, written: readonly ts.TypeNode[], use: ts.Node): Type {
    const args = this.typeArgs(decl, written, use);
    const cls = args && this.classOf(decl, use, args);
    return cls ? classType(cls) : ERROR;
  }

  /** The type arguments written after a class's name, resolved; undefined after an error. */
  protected typeArgs(decl: ts.ClassDeclaration, written: readonly ts.TypeNode[], use: ts.Node): Type[] | undefined {
    const tps = decl.typeParameters ?? [];
    const name = decl.name?.text ?? '';
    if (written.length !== tps.length) {
      const n = tps.length;
      this.d.error(use, n === 0 ? `class ${name} takes no type arguments`
        : `class ${name} takes ${n} type argument${n === 1 ? '' : 's'} (${name}<${tps.map((p) => p.name.text)
          .join(', ')}>), not ${written.length}`);
      return undefined;
    }
    const args = written.map((a) => this.resolveType(a));
    return args.some((a) => a.kind === 'error') ? undefined : args;
  }

  /**
   * The class a use names: the class itself, or the instance of a generic class for `args`
   * (one per list of type arguments, with its own layout and members: generics.ts). A
   * generic class named without type arguments (`Ring.capacity()`) is the holder of its
   * static members, which are one for every instance, as in TypeScript.
   */
  protected classOf(decl: ts.ClassDeclaration, use: ts.Node, args: Type[] = []): ClassInfo | undefined {
    const holder = this.declaredClass(decl);
    if (!holder || !args.length || !decl.typeParameters?.length) return holder;
    return this.classInstance(decl, args, use, (label, inst, symbol, register) => {
      const cls = this.makeClass(decl, label, `${this.moduleName(decl.getSourceFile())}.${symbol}`, 'instance',
        { args, inst, register, statics: holder });
      return cls;
    });
  }

  /** A declaration's own ClassInfo (see `declared`), made on first use. */
  private declaredClass(decl: ts.ClassDeclaration): ClassInfo | undefined {
    if (this.declared.has(decl)) return this.declared.get(decl);
    this.declared.set(decl, undefined);
    if (!decl.name) return undefined;
    const name = decl.name.text;
    const first = this.declSymbol(decl)?.declarations?.[0];
    if (first && first !== decl) {
      this.d.error(decl.name, `'${name}' is declared twice; declaration merging is not supported`);
      return undefined;
    }
    const generic = !!decl.typeParameters?.length;
    return this.makeClass(decl, name, `${this.moduleName(decl.getSourceFile())}.${name}`, generic ? 'statics' : 'all',
      { args: [], register: (c) => this.declared.set(decl, c) });
  }

  /**
   * Builds a class: its base, its layout and its members, whose symbols start with `prefix`.
   * `part` says which members: all of them, a generic class's static members (its holder),
   * or an instance's own (sharing the holder's statics). The class is registered before it
   * is built, so that its fields and signatures can name it.
   */
  private makeClass(decl: ts.ClassDeclaration, name: string, prefix: string, part: 'all' | 'statics' | 'instance',
    o: { args: Type[]; inst?: Instance; register: (c: ClassInfo) => void; statics?: ClassInfo }): ClassInfo {
    const packed = ts.getJSDocTags(decl).some((t) => t.tagName.text === 'packed');
    const struct: StructInfo = {
      name, packed, fields: [], size: 0, align: 1, node: decl, state: 'busy',
      ...(o.args.length ? { typeArgs: o.args } : {}),
    };
    const cls: ClassInfo = {
      name, decl, typeArgs: o.args, instance: o.inst, struct, base: undefined, methods: new Map(), getters: new Map(),
      setters: new Map(), statics: o.statics?.statics ?? new Map(), ctor: undefined, inits: [],
      access: new Map([...o.statics?.access ?? []]),
    };
    o.register(cls);
    this.basing.add(cls);
    cls.base = this.baseClass(decl, part === 'statics');
    this.basing.delete(cls);
    if (part !== 'statics') {
      struct.fields = [...(cls.base?.struct.fields ?? [])];
      this.classes.set(struct, cls);
      this.layout(cls);
    }
    this.classList.push(cls);
    for (const m of decl.members) {
      if (part === 'all' || (part === 'statics') === staticPart(m)) {
        this.member(cls, m, prefix);
      }
    }
    return cls;
  }

  /**
   * The class a class extends, if any (a class extends only a class). For the holder of a
   * generic class's statics (`staticsOnly`), a generic base is its base's holder.
   */
  private baseClass(decl: ts.ClassDeclaration, staticsOnly: boolean): ClassInfo | undefined {
    let base: ClassInfo | undefined;
    for (const h of decl.heritageClauses ?? []) {
      if (h.token !== TS.ExtendsKeyword) continue;
      const b = h.types[0];
      const sym = ts.isIdentifier(b.expression) ? this.symbolOf(b.expression) : undefined;
      const bd = sym?.declarations?.[0];
      if (bd && ts.isClassDeclaration(bd)) {
        let found: ClassInfo | undefined;
        if (staticsOnly && bd.typeParameters?.length) found = this.declaredClass(bd);
        else {
          const args = this.typeArgs(bd, b.typeArguments ?? [], b);
          found = args && this.classOf(bd, b, args);
        }
        if (found && this.basing.has(found)) this.d.error(b, `class ${decl.name?.text} extends itself`);
        else base = found;
      } else if (b.expression.getText() === 'Struct' || b.expression.getText() === 'Packed') {
        const name = b.expression.getText();
        this.d.error(b, `a class is a struct already: drop \`extends ${name}\``
          + (name === 'Packed' ? ' and write /** @packed */ before the class' : ''));
      } else this.d.error(b, `a class can extend only another class, not '${b.getText()}'`);
    }
    return base;
  }

  /** The instance fields: base fields first (at their offsets), then this class's, C layout. */
  private layout(cls: ClassInfo): void {
    const s = cls.struct;
    const pos = { off: cls.base ? cls.base.struct.size : 0, align: cls.base ? cls.base.struct.align : 1 };
    for (const m of cls.decl.members) {
      if (!ts.isPropertyDeclaration(m) || hasModifier(m, TS.StaticKeyword)) continue;
      const name = this.memberName(m, cls);
      if (name === undefined) continue;
      this.memberModifiers(m, cls, name, 'fields');
      if (m.questionToken) this.declError(m, 'optional fields are not supported: every field has a place in memory');
      if (!m.type) {
        this.declError(m.name, `field '${name}' needs a type annotation, e.g. \`${name}: u32 = 0\``);
        continue;
      }
      const readonly = hasModifier(m, TS.ReadonlyKeyword);
      const ok = this.layoutField(s, pos, m.type, { name, node: m, readonly, access: accessOf(m), owner: s });
      if (ok && m.initializer) cls.inits.push(m);
    }
    this.finishLayout(s, pos);
  }

  /** A member's name (an identifier), checked for clashes with the fields and members before it. */
  private memberName(m: ts.ClassElement, cls: ClassInfo): string | undefined {
    if (!m.name) return undefined;
    if (ts.isPrivateIdentifier(m.name)) {
      const plain = m.name.text.slice(1);
      this.declError(m.name, `\`${m.name.text}\` private names are not supported; write \`private ${plain}\``);
      return undefined;
    }
    if (!ts.isIdentifier(m.name)) { this.declError(m.name, 'a class member needs a plain name'); return undefined; }
    const name = m.name.text;
    const isStatic = hasModifier(m, TS.StaticKeyword);
    const accessor = ts.isGetAccessor(m) || ts.isSetAccessor(m);
    const clash = isStatic ? cls.statics.has(name)
      : cls.struct.fields.some((f) => f.name === name && f.owner === cls.struct) || cls.methods.has(name)
        || (!accessor && (cls.getters.has(name) || cls.setters.has(name)))
        || (ts.isGetAccessor(m) && cls.getters.has(name)) || (ts.isSetAccessor(m) && cls.setters.has(name));
    if (clash) {
      this.d.error(m.name, `class ${cls.name} already has a member '${name}'; overloads are not supported: `
        + 'give each variant its own name');
      return undefined;
    }
    const baseField = cls.base && this.field(cls.base.struct, name);
    if (baseField && !isStatic && !ts.isPropertyDeclaration(m)) {
      this.d.error(m.name, `'${name}' is a field of base class ${cls.base!.name}; a member cannot replace it`);
      return undefined;
    }
    if (baseField && !isStatic) {
      this.d.error(m.name, `field '${name}' is already declared by base class ${cls.base!.name}; `
        + 'a derived class adds fields, it cannot redeclare them');
      return undefined;
    }
    return name;
  }

  private memberModifiers(m: ts.ClassElement, cls: ClassInfo, name: string, what: string): void {
    if (hasModifier(m, TS.AbstractKeyword)) this.declError(m, ABSTRACT);
    else if (hasModifier(m, TS.DeclareKeyword)) {
      this.declError(m, '`declare` fields are not supported: every field has storage; remove `declare`');
    }
    const allowed = MEMBER_MODIFIERS.filter((k) => k !== TS.ReadonlyKeyword || what === 'fields');
    this.modifiers(m, [...allowed, TS.AbstractKeyword, TS.DeclareKeyword], what);
    const access = accessOf(m);
    if (access) cls.access.set(hasModifier(m, TS.StaticKeyword) ? `static ${name}` : name, access);
  }

  /** One member other than an instance field (those are laid out first). */
  private member(cls: ClassInfo, m: ts.ClassElement, prefix: string): void {
    const isStatic = hasModifier(m, TS.StaticKeyword);
    if (ts.isPropertyDeclaration(m)) {
      if (isStatic) this.staticField(cls, m, prefix);
      return;
    }
    if (ts.isSemicolonClassElement(m)) return;
    if (ts.isIndexSignatureDeclaration(m)) {
      this.d.error(m, 'index signatures are not supported: a class has fixed fields; use an Arr<T, N> field');
      return;
    }
    if (ts.isClassStaticBlockDeclaration(m)) {
      this.d.error(m, 'static blocks are not supported; initialise static fields with constants, or in a function');
      return;
    }
    if (ts.isConstructorDeclaration(m)) {
      this.memberModifiers(m, cls, 'constructor', 'constructors');
      if (!m.body) { this.declError(m, 'constructor overloads are not supported: declare one constructor'); return; }
      if (cls.ctor) { this.d.error(m, `class ${cls.name} already has a constructor`); return; }
      cls.ctor = this.memberFunc(cls, m, 'ctor', `${prefix}.constructor`);
      return;
    }
    if (!ts.isMethodDeclaration(m) && !ts.isGetAccessor(m) && !ts.isSetAccessor(m)) {
      this.declError(m, 'this class member is not supported');
      return;
    }
    const name = this.memberName(m, cls);
    if (name === undefined) return;
    this.memberModifiers(m, cls, name, ts.isMethodDeclaration(m) ? 'methods' : 'accessors');
    if (!m.body) {
      if (!hasModifier(m, TS.AbstractKeyword)) {
        this.declError(m, ts.isMethodDeclaration(m) ? 'method overloads and methods without a body are not supported'
          : 'an accessor needs a body');
      }
      return;
    }
    if (ts.isMethodDeclaration(m)) {
      if (m.asteriskToken) this.declError(m, 'generators are not supported');
      if (m.questionToken) this.declError(m, 'optional methods are not supported');
      if (m.typeParameters?.length) this.asDeclared(() => this.typeParameters(m));
      if (isStatic) cls.statics.set(name, this.memberFunc(cls, m, 'static', `${prefix}.${name}`));
      else cls.methods.set(name, this.memberFunc(cls, m, 'method', `${prefix}.${name}`));
      return;
    }
    if (isStatic) { this.d.error(m, 'static accessors are not supported; use a static method'); return; }
    const get = ts.isGetAccessor(m);
    const dflt = m.parameters.find((p) => p.initializer);
    if (dflt) this.declError(dflt, 'a setter\'s parameter cannot have a default: `obj.x = v` always passes v');
    const f = this.memberFunc(cls, m, get ? 'get' : 'set', `${prefix}.${get ? 'get' : 'set'}.${name}`);
    f.tags.inline = true;
    const other = (get ? cls.setters : cls.getters).get(name);
    const valueType = get ? f.type.ret : f.type.params[1];
    if (get && (!m.type || f.type.ret.kind === 'void')) this.d.error(m.name, `getter '${name}' needs a result type`);
    if (other && valueType && !sameType(valueType, get ? other.type.params[1] : other.type.ret)) {
      this.d.error(m.name, `the getter and setter of '${name}' must have the same type`);
    }
    (get ? cls.getters : cls.setters).set(name, f);
  }

  private memberFunc(
    cls: ClassInfo, m: FnDecl, role: NonNullable<FuncInfo['member']>['role'], irName: string,
  ): FuncInfo {
    const tags = this.tagsOf(m);
    if (role !== 'static' && (tags.symbol || tags.naked || tags.efiapi)) {
      this.declError(m, '@symbol, @naked and @efiapi apply to functions and static methods, not to instance members');
    }
    const self = role === 'static' ? [] : [ptrTo(classType(cls))];
    // A generic method's signature is resolved per instance (generics.ts `functionInstance`).
    const generic = ts.isMethodDeclaration(m) && !!m.typeParameters?.length;
    if (!ts.isMethodDeclaration(m) && m.typeParameters?.length) {
      this.declError(m.typeParameters[0], `${role === 'ctor' ? 'a constructor' : 'an accessor'} cannot have type `
        + 'parameters; make the class generic, or use a generic method');
    } else if (generic && (tags.symbol || tags.efiapi || tags.naked)) {
      this.declError(m.name!, 'a generic method has one body per instance: it cannot be @symbol, @efiapi or @naked');
    }
    const { params, psyms, ret } = generic ? { params: self, psyms: [], ret: VOID } : this.signature(m, self);
    // Struct values pass as for any function of the program (lower/abi.ts), except across a
    // foreign boundary (a static method may be @efiapi or @symbol).
    const boundary = tags.efiapi ? 'an Efiapi' : tags.symbol ? 'a @symbol' : undefined;
    if (boundary && !generic) {
      rejectByValue(this.d, { kind: 'fn', params, ret, efiapi: tags.efiapi }, boundary,
        m.parameters.map((p) => p.type ?? p), m.type);
    }
    const name = role === 'ctor' ? `${cls.name} constructor` : `${cls.name}.${m.name!.getText()}`;
    return {
      kind: 'func', name, irName: tags.symbol ?? irName, decl: m, params: psyms, tags, external: false,
      required: this.asDeclared(() => defaultsFrom(m, this.d)),
      exported: false, type: { kind: 'fn', params, ret: role === 'ctor' ? VOID : ret, efiapi: tags.efiapi },
      member: { cls, role }, instance: role === 'static' ? undefined : cls.instance, generic,
    };
  }

  /** `static x: T = v` is a global; `static readonly X = 5` (a scalar) is a named constant. */
  private staticField(cls: ClassInfo, m: ts.PropertyDeclaration, prefix: string): void {
    const name = this.memberName(m, cls);
    if (name === undefined) return;
    this.memberModifiers(m, cls, name, 'fields');
    const declared = m.type ? this.resolveType(m.type) : undefined;
    const isConst = hasModifier(m, TS.ReadonlyKeyword);
    if (isConst && (!declared || declared.kind === 'int' || declared.kind === 'bool' || declared.kind === 'enum')) {
      if (!m.initializer) this.d.error(m, `static readonly '${name}' needs an initialiser`);
      const c: ConstInfo = {
        kind: 'const', name: `${cls.name}.${name}`, type: declared, init: m.initializer, value: undefined,
        state: 'new', decl: m,
      };
      cls.statics.set(name, c);
      this.staticConsts.push(c);
      return;
    }
    if (!declared) {
      this.d.error(m.name, `static field '${name}' needs a type annotation, e.g. \`static ${name}: u32 = 0\``);
    }
    const g: GlobalInfo = {
      kind: 'global', name: `${cls.name}.${name}`, irName: `${prefix}.${name}`, type: declared ?? ERROR,
      decl: m, isConst,
    };
    cls.statics.set(name, g);
    this.globals.push(g);
  }

  /**
   * Whether a module variable's `new C()` is a compile-time constant: no arguments, no
   * constructor to run (in C or its bases), and constant field initialisers.
   */
  protected constantNew(e: ts.NewExpression): boolean {
    if (e.arguments?.length) return false;
    for (let c = this.news.get(e); c; c = c.base) {
      const cls = c;
      this.checkInits(cls);
      if (cls.ctor) return false;
      const constant = (m: ts.PropertyDeclaration): boolean => this.isConstantInit(m.initializer!);
      if (!this.withInstance(cls.instance, () => cls.inits.every(constant))) return false;
    }
    return true;
  }

  /** Static readonly constants, evaluated whether or not they are used. */
  private readonly staticConsts: ConstInfo[] = [];
  /** How many of classList and staticConsts have been checked. */
  private classesChecked = 0;
  private constsChecked = 0;
  private readonly initsChecked = new Set<ClassInfo>();

  /**
   * Checks the classes not checked yet (members, initialisers, `implements`) and says
   * whether there were any: an instance of a generic class appears when code using it is
   * checked, and its members may then make further instances (checker.ts runs to a fixpoint).
   */
  protected checkClasses(): boolean {
    for (; this.constsChecked < this.staticConsts.length; this.constsChecked++) {
      const c = this.staticConsts[this.constsChecked];
      if (c.init) this.guarded(c.decl, () => this.constInfoValue(c, c.decl));
    }
    const start = this.classesChecked;
    for (; this.classesChecked < this.classList.length; this.classesChecked++) {
      const cls = this.classList[this.classesChecked];
      this.checkInits(cls);
      this.withInstance(cls.instance, () => this.checkMembers(cls));
    }
    this.fn = undefined;
    return this.classesChecked > start;
  }

  private checkMembers(cls: ClassInfo): void {
    this.selfClass = cls;
    const members = [cls.ctor, ...cls.methods.values(), ...cls.getters.values(), ...cls.setters.values()];
    for (const f of members) if (f) this.checkFunction(f);
    this.selfClass = undefined;
    const holder = !!cls.decl.typeParameters?.length && !cls.instance;
    // An instance shares its statics with the holder, which checks them once.
    if (!cls.instance) for (const s of cls.statics.values()) if (s.kind === 'func') this.checkFunction(s);
    if (cls.base && cls.ctor && !this.callsSuper(cls.ctor)) {
      this.d.error(cls.ctor.decl, `the constructor of ${cls.name} must call \`super(...)\` first: `
        + `class ${cls.name} extends ${cls.base.name}`);
    }
    if (!holder) this.implementsClauses(cls);
  }

  /** Checks a class's field initialisers, once (a module variable's `new C()` may need them first). */
  private checkInits(cls: ClassInfo): void {
    if (this.initsChecked.has(cls)) return;
    this.initsChecked.add(cls);
    const saved = [this.fn, this.selfClass, this.scopes] as const;
    this.withInstance(cls.instance, () => {
      this.selfClass = cls;
      this.fn = cls.ctor;
      this.scopes = [new Set()];
      for (const m of cls.inits) {
        const f = this.field(cls.struct, m.name.getText())!;
        this.guarded(m, () => this.assignable(m.initializer!, this.expr(m.initializer!, f.type), f.type));
      }
    });
    [this.fn, this.selfClass, this.scopes] = saved;
  }

  /** Whether a constructor calls `super(...)` (where it does is checked at the call). */
  private callsSuper(ctor: FuncInfo): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && n.expression.kind === TS.SuperKeyword) found = true;
      else if (!found && !ts.isFunctionLike(n)) n.forEachChild(visit);
    };
    ctor.decl.body?.forEachChild(visit);
    return found;
  }

  /** `implements I`: a compile-time check that the class has I's fields and methods, as typed. */
  private implementsClauses(cls: ClassInfo): void {
    for (const h of cls.decl.heritageClauses ?? []) {
      if (h.token !== TS.ImplementsKeyword) continue;
      for (const t of h.types) {
        const decl = ts.isIdentifier(t.expression) ? this.symbolOf(t.expression)?.declarations?.[0] : undefined;
        if (!decl || !ts.isInterfaceDeclaration(decl)) {
          this.d.error(t, `a class implements interfaces only, not '${t.getText()}'`);
          continue;
        }
        this.implementsInterface(cls, decl, t);
      }
    }
  }

  private implementsInterface(cls: ClassInfo, itf: ts.InterfaceDeclaration, at: ts.Node): void {
    for (const h of itf.heritageClauses ?? []) {
      for (const t of h.types) {
        const d = ts.isIdentifier(t.expression) ? this.symbolOf(t.expression)?.declarations?.[0] : undefined;
        if (d && ts.isInterfaceDeclaration(d) && !this.isLibDecl(d)) this.implementsInterface(cls, d, at);
      }
    }
    const missing = (what: string): void => {
      this.d.error(at, `class ${cls.name} does not implement ${itf.name.text}: ${what}`);
    };
    for (const m of itf.members) {
      const name = m.name && ts.isIdentifier(m.name) ? m.name.text : undefined;
      if (!name) { this.d.error(m, 'an interface a class implements has named fields and methods only'); continue; }
      if (ts.isPropertySignature(m) && m.type) {
        const want = this.resolveType(m.type);
        const f = this.field(cls.struct, name);
        const got = f?.type ?? this.lookup(cls, name, 'getters')?.type.ret;
        if (!got) missing(`it has no field or getter '${name}'`);
        else if (!sameType(got, want)) missing(`'${name}' is ${typeName(got)}, not ${typeName(want)}`);
      } else if (ts.isMethodSignature(m)) {
        const f = this.lookup(cls, name, 'methods');
        if (!f) { missing(`it has no method '${name}'`); continue; }
        if (f.generic) { missing(`method '${name}' is generic, and an interface's method has fixed types`); continue; }
        const { params, ret } = this.signature(m, []);
        const mine = f.type.params.slice(1);
        const same = sameType(ret, f.type.ret) && params.length === mine.length
          && params.every((p, i) => sameType(p, mine[i]));
        if (!same) {
          const sig = (ps: Type[], r: Type) => `(${ps.map(typeName).join(', ')}) => ${typeName(r)}`;
          missing(`method '${name}' is ${sig(mine, f.type.ret)}, not ${sig(params, ret)}`);
        }
      } else this.d.error(m, 'an interface a class implements has named fields and methods only');
    }
  }
}
