// Generics by monomorphisation: a generic function, method, struct or class is checked and
// emitted once per distinct list of type arguments, like a C++ template (a generic method
// of a generic class's instance once per list of the class's and its own). Type arguments
// are written (`min<u32>(a, b)`, `new Ring<u8>()`) or inferred from the arguments;
// constraints are the ones tsc understands (`T extends number`, `T extends Struct`, a struct interface).
//
// One instance per (declaration, type arguments), made on first use: `instance(decl, args,
// make)` for functions and structs, `classInstance` for classes (registered before it is
// built, so that it can name itself); with `satisfies` (constraints) and `bound` (type
// parameters bound while a signature or the fields are resolved). A function or class
// instance gets maps of its own (types, constants, calls, locals, format plans, class member
// uses, exhaustive switches) over the program's, because the nodes of its body are shared by
// every instance; `withInstance` checks a body in them and `enterInstance` lets the
// lowering read them (a default value is read in its callee's, a field initialiser in its
// class's: lower/state.ts `inMaps`).
import * as ts from 'typescript';
import { Type, StructInfo, ERROR, USIZE, ptrTo, typeName, sameType, isInt } from './types';
import { FuncInfo, Instance, ClassInfo, NodeFacts, selfParams } from './entities';
import { TypeResolver } from './resolve';

const TS = ts.SyntaxKind;

/** A map that reads through to the program's map for what it does not hold itself. */
class Overlay<K, V> extends Map<K, V> {
  constructor(private readonly under: Map<K, V>) { super(); }
  get(k: K): V | undefined { return super.has(k) ? super.get(k) : this.under.get(k); }
  has(k: K): boolean { return super.has(k) || this.under.has(k); }
}

/** A set that also holds what the program's set holds. */
class OverlaySet<T> extends Set<T> {
  constructor(private readonly under: Set<T>) { super(); }
  has(x: T): boolean { return super.has(x) || this.under.has(x); }
}

/** What may have type parameters (classes and methods: for a class checker on this machinery). */
type Generic = ts.FunctionDeclaration | ts.InterfaceDeclaration | ts.ClassDeclaration | ts.MethodDeclaration;

export abstract class GenericResolver extends TypeResolver {
  /** The type parameters bound now (the instance being resolved or checked). */
  protected bindings = new Map<ts.Symbol, Type>();
  /** The program's own maps, under every instance's. */
  private readonly root: NodeFacts = {
    types: this.types, consts: this.consts, calls: this.calls, entities: this.entities, formats: this.formats,
    accessors: this.accessors, staticRefs: this.staticRefs, news: this.news, exhaustive: this.exhaustive,
    allMembers: this.allMembers,
  };
  private readonly made = new Map<ts.Node, Map<string, object>>();
  private readonly irNames = new Set<string>();
  /** Distinct numbers for structs and enums of the same name in different modules. */
  private readonly ids = new WeakMap<object, number>();
  private sliceDecl: ts.InterfaceDeclaration | undefined;
  /** Set while the types of an arrow function are resolved (`unbound`). */
  private inUnbound = false;
  /** Generic structs being laid out, one inside the other. */
  private layoutDepth = 0;

  /**
   * The signature of a function or method declaration after `leading` (a method's hidden
   * `this`), with the bindings of the moment (functions.ts).
   */
  protected abstract signature(decl: ts.SignatureDeclaration, leading?: Type[]):
    { params: Type[]; ret: Type; psyms: ts.Symbol[] };

  protected typeParameter(node: ts.TypeReferenceNode, sym: ts.Symbol): Type {
    const t = this.bindings.get(sym);
    if (t) return t;
    if (this.inUnbound) {
      this.d.error(node, `an arrow function in a generic function is one function for every instance, so it `
        + `cannot use type parameter '${sym.name}'; declare it as a generic function of its own`);
      return ERROR;
    }
    this.d.error(node, `type parameter '${sym.name}' has no type here; it is only known inside an instance of `
      + 'its generic declaration');
    return ERROR;
  }

  // ---- declarations -------------------------------------------------------------------

  /** Checks the type parameters of a generic declaration where it is declared. */
  protected typeParameters(decl: Generic): void {
    for (const tp of decl.typeParameters ?? []) {
      for (const m of tp.modifiers ?? []) {
        this.d.error(m, `variance annotations (in/out) are not supported: every instance is a type of its own; `
          + `remove \`${m.getText()}\``);
      }
      if (tp.default) this.d.error(tp.default, 'type parameter defaults are not supported; write the type argument');
      const c = tp.constraint;
      if (!c || c.kind === TS.NumberKeyword) continue;
      if (ts.isTypeReferenceNode(c) && ts.isIdentifier(c.typeName)) {
        const decl2 = this.symbolOf(c.typeName)?.declarations?.[0];
        if (decl2 && ts.isInterfaceDeclaration(decl2) && !decl2.typeParameters?.length) continue;
      }
      this.d.error(c, 'a constraint must be `number` (any integer type), `Struct`, `Packed` or a struct interface');
    }
  }

  // ---- instances ----------------------------------------------------------------------

  /** The instance of a generic declaration for these type arguments, made by `make` on first use. */
  protected instance<T extends object>(decl: ts.Node, args: Type[], make: (name: string) => T): T {
    let byArgs = this.made.get(decl);
    if (!byArgs) this.made.set(decl, byArgs = new Map());
    const key = this.key(args);
    let inst = byArgs.get(key) as T | undefined;
    if (!inst) {
      inst = make(args.map(typeName).join(', '));
      byArgs.set(key, inst);
    }
    return inst;
  }

  private key(args: Type[]): string { return args.map((t) => this.typeKey(t)).join(','); }

  /** A key that tells apart types of the same name (two modules' `Point`). */
  private typeKey(t: Type): string {
    if (t.kind === 'struct' || t.kind === 'enum') {
      let id = this.ids.get(t.info);
      if (id === undefined) this.ids.set(t.info, id = nextId++);
      return `${t.info.name}#${id}`;
    }
    if (t.kind === 'ptr') return `Ptr<${this.typeKey(t.to)}>`;
    if (t.kind === 'array') return `Arr<${this.typeKey(t.elem)},${t.len}>`;
    if (t.kind === 'fn') return `(${t.params.map((p) => this.typeKey(p)).join(',')})=>${this.typeKey(t.ret)}`;
    return typeName(t);
  }

  /**
   * Binds a declaration's type parameters to `args` while `body` runs, over `outer` (for a
   * generic method of a generic class's instance, the class's bindings).
   */
  protected bound<R>(decl: Generic, args: Type[], body: () => R, outer?: Map<ts.Symbol, Type>): R {
    const saved = this.bindings;
    this.bindings = bindingsOf(this, decl, args, outer);
    try { return body(); } finally { this.bindings = saved; }
  }

  /**
   * Runs `body` with no type parameter bound: for what is one function in every instance of
   * a generic function around it (an arrow function, nested.ts), whose types cannot be T.
   */
  protected unbound<R>(body: () => R): R {
    const [outer, was] = [this.bindings, this.inUnbound];
    this.bindings = new Map();
    this.inUnbound = true;
    try { return body(); } finally { [this.bindings, this.inUnbound] = [outer, was]; }
  }

  /** Checks each type argument against its parameter's constraint; false after an error. */
  protected satisfies(decl: Generic, args: Type[], site: ts.Node): boolean {
    const name = decl.name?.getText() ?? '';
    let ok = true;
    (decl.typeParameters ?? []).forEach((tp, i) => {
      const t = args[i];
      const c = tp.constraint;
      if (!c || !t || t.kind === 'error') return;
      const bad = (want: string): void => {
        this.d.error(site, `${typeName(t)} does not satisfy the constraint \`${tp.name.text} extends `
          + `${c.getText()}\` of '${name}': ${want}`);
        ok = false;
      };
      if (c.kind === TS.NumberKeyword) {
        if (!isInt(t)) bad('the type argument must be an integer type (u8 ... u64, i8 ... i64, usize, isize)');
        return;
      }
      const cd = ts.isTypeReferenceNode(c) && ts.isIdentifier(c.typeName)
        ? this.symbolOf(c.typeName)?.declarations?.[0] : undefined;
      if (!cd || !ts.isInterfaceDeclaration(cd)) return; // reported at the declaration
      if (this.isLibDecl(cd)) {
        if (t.kind !== 'struct') bad('the type argument must be a struct');
        else if (cd.name.text === 'Packed' && !t.info.packed) bad(`${t.info.name} must be a packed struct`);
        return;
      }
      // A struct interface as a constraint: the type argument has each of its fields, same type.
      const want = this.structOf(cd);
      if (!want) return;
      if (t.kind !== 'struct') { bad(`the type argument must be a struct with the fields of ${want.name}`); return; }
      for (const f of want.fields) {
        const has = this.field(t.info, f.name);
        if (!has || !sameType(has.type, f.type)) {
          bad(`${t.info.name} has no field '${f.name}: ${typeName(f.type)}'`);
          return;
        }
      }
    });
    return ok;
  }

  /**
   * The instance of a generic function or method for these type arguments (signature
   * resolved now, body checked later). A method of an instance of a generic class is
   * generic in the class's type arguments too: its instances are per class instance.
   */
  protected functionInstance(f: FuncInfo, args: Type[], site: ts.Node): FuncInfo | undefined {
    // Only declarations and methods are generic (functions.ts, classes.ts).
    const decl = f.decl as ts.FunctionDeclaration | ts.MethodDeclaration;
    if (!this.satisfies(decl, args, site)) return undefined;
    const outer = f.instance; // the class instance a method belongs to
    const all = [...outer?.args ?? [], ...args];
    if (this.tooDeep(decl, all)) {
      this.d.error(site, `'${f.name}' instantiates generic functions ${MAX_DEPTH} levels deep with ever new type `
        + 'arguments, which never ends; make the recursion keep its type arguments');
      return undefined;
    }
    return this.instance(decl, all, () => {
      const label = `${f.name}<${args.map(typeName).join(', ')}>`;
      const leading = f.type.params.slice(0, selfParams(f)); // a method's `this`
      const sig = this.bound(decl, args, () => this.signature(decl, leading), outer?.bindings);
      const inst = this.newInstance(decl, args, site, label, outer?.bindings);
      const g: FuncInfo = {
        ...f, name: label,
        irName: this.uniqueName(`${f.irName}$${args.map((t) => typeName(t).replace(/ /g, '')).join('$')}`),
        type: { kind: 'fn', params: sig.params, ret: sig.ret, efiapi: f.tags.efiapi },
        params: sig.psyms, generic: false, instance: inst,
      };
      this.funcs.push(g); // its body is checked in turn (checker.ts walks the growing list)
      return g;
    });
  }

  private tooDeep(decl: ts.Node, args: Type[]): boolean {
    return (this.fn?.instance?.depth ?? 0) + 1 > MAX_DEPTH && !this.made.get(decl)?.has(this.key(args));
  }

  /**
   * The record of a new instance `label` (`min<u32>`, `Ring<u8>`): its bindings and maps of
   * its own over the program's. An instance made inside another names the ordinary code
   * that started the chain.
   */
  private newInstance(
    decl: Generic, args: Type[], site: ts.Node, label: string, outerBindings?: Map<ts.Symbol, Type>,
  ): Instance {
    const outer = this.fn?.instance;
    const origin = outer ? outer.origin : this.d.where(site);
    const r = this.root;
    return {
      decl, args, bindings: bindingsOf(this, decl, args, outerBindings), site, origin, depth: (outer?.depth ?? 0) + 1,
      label: `in ${label} instantiated at ${this.d.where(site)}${outer ? `, from code at ${origin}` : ''}`,
      types: new Overlay(r.types), consts: new Overlay(r.consts), calls: new Overlay(r.calls),
      entities: new Overlay(r.entities), formats: new Overlay(r.formats), accessors: new Overlay(r.accessors),
      staticRefs: new Overlay(r.staticRefs), news: new Overlay(r.news), exhaustive: new OverlaySet(r.exhaustive),
      allMembers: new OverlaySet(r.allMembers),
    };
  }

  /**
   * The instance of a generic class for these type arguments: made by `build` (classes.ts)
   * on first use, registered before its layout and members are built so that they can
   * name it (`next: Ptr<Node<T>>`, `clone(): Ring<T>`). `build` gets the instance's label
   * (`Ring<u32>`), its record and the type arguments' part of its symbol names (`Ring$u32`).
   */
  protected classInstance(
    decl: ts.ClassDeclaration, args: Type[], site: ts.Node,
    build: (label: string, inst: Instance, symbol: string, register: (c: ClassInfo) => void) => ClassInfo,
  ): ClassInfo | undefined {
    const name = decl.name!.text;
    const key = this.key(args);
    let byArgs = this.made.get(decl);
    const known = byArgs?.get(key) as ClassInfo | undefined;
    if (known) return known;
    if (!this.satisfies(decl, args, site)) return undefined;
    if (this.tooDeep(decl, args) || this.layoutDepth >= MAX_DEPTH) {
      const context = this.d.context; // the instance it is in would name ever longer type arguments
      this.d.context = undefined;
      this.d.error(site, `class ${name} makes instances of itself ${MAX_DEPTH} levels deep with ever new type `
        + 'arguments, which never ends; make it keep its type arguments');
      this.d.context = context;
      return undefined;
    }
    if (!byArgs) this.made.set(decl, byArgs = new Map());
    const label = `${name}<${args.map(typeName).join(', ')}>`;
    const inst = this.newInstance(decl, args, site, label);
    const symbol = this.uniqueName(`${name}$${args.map((t) => typeName(t).replace(/ /g, '')).join('$')}`);
    const map = byArgs;
    const context = this.d.context;
    this.layoutDepth++;
    this.d.context = inst.label; // an error in its layout or signatures names the instance
    try {
      return this.bound(decl, args, () => build(label, inst, symbol, (c) => map.set(key, c)));
    } finally { this.layoutDepth--; this.d.context = context; }
  }

  private uniqueName(name: string): string {
    let n = name;
    for (let i = 2; this.irNames.has(n); i++) n = `${name}$${i}`;
    this.irNames.add(n);
    return n;
  }

  protected genericStruct(node: ts.TypeReferenceNode, decl: ts.InterfaceDeclaration,
    written: ts.NodeArray<ts.TypeNode>): Type {
    const n = decl.typeParameters!.length;
    if (written.length !== n) {
      const params = decl.typeParameters!.map((p) => p.name.text).join(', ');
      const name = decl.name.text;
      this.d.error(node, `${name} takes ${n} type argument${n === 1 ? '' : 's'} (${name}<${params}>), not ${written.length}`);
      return ERROR;
    }
    if (this.layoutDepth >= MAX_DEPTH) {
      this.d.error(node, `${decl.name.text} contains instances of itself ${MAX_DEPTH} levels deep with ever new type `
        + 'arguments, which never ends');
      return ERROR;
    }
    const args = written.map((a) => this.resolveType(a));
    if (args.some((a) => a.kind === 'error')) return ERROR;
    const packed = this.structBase(decl);
    if (packed === undefined || !this.satisfies(decl, args, node)) return ERROR;
    const info = this.instance(decl, args, (list) => {
      const s: StructInfo = {
        name: `${decl.name.text}<${list}>`, packed, fields: [], size: 0, align: 1, node: decl, state: 'busy',
        typeArgs: args,
      };
      // Registered before its fields are laid out, so that it can point at itself.
      this.made.get(decl)!.set(this.key(args), s);
      this.layoutDepth++;
      try { this.bound(decl, args, () => this.layoutStruct(decl, s)); } finally { this.layoutDepth--; }
      return s;
    });
    return { kind: 'struct', info };
  }

  /** `Slice<T>`: a pointer and a length, one struct per element type. */
  protected sliceOf(elem: Type): Type {
    if (elem.kind === 'error') return ERROR;
    if (elem.kind === 'void' || elem.kind === 'never') return ERROR;
    const decl = this.sliceDecl ??= this.libInterface('Slice');
    const info = this.instance(decl, [elem], (list) => ({
      name: `Slice<${list}>`, packed: false, size: 16, align: 8, node: decl, state: 'done', slice: elem,
      fields: [
        { name: 'ptr', type: ptrTo(elem), offset: 0, node: decl, readonly: true },
        { name: 'length', type: USIZE, offset: 8, node: decl, readonly: true },
      ],
    } as StructInfo));
    return { kind: 'struct', info };
  }

  private libInterface(name: string): ts.InterfaceDeclaration {
    for (const sf of this.p.program.getSourceFiles()) {
      if (!sf.isDeclarationFile || !this.isLibDecl(sf)) continue;
      for (const st of sf.statements) if (ts.isInterfaceDeclaration(st) && st.name.text === name) return st;
    }
    throw new Error(`toolchain/lib declares no interface ${name}`);
  }

  // ---- calls --------------------------------------------------------------------------

  /**
   * The instance that a call of a generic function calls: its type arguments written
   * (`min<u32>(a, b)`) or inferred from the arguments, which are then typed here already
   * (into `pre`, by position). A literal decides nothing (it takes the type the others
   * decide); of several typed candidates, the one the others widen to.
   */
  protected genericCallee(e: ts.CallExpression, f: FuncInfo, pre: (Type | undefined)[]): FuncInfo | undefined {
    const tps = f.decl.typeParameters!;
    const sig = `${f.name}<${tps.map((tp) => tp.name.text).join(', ')}>`;
    const callee = e.expression.getText(); // `min`, `r.map`, `Box.pick`
    if (e.typeArguments?.length) {
      if (e.typeArguments.length !== tps.length) {
        this.d.error(e, `${sig} takes ${tps.length} type argument${tps.length === 1 ? '' : 's'}, `
          + `not ${e.typeArguments.length}`);
        return undefined;
      }
      const args = e.typeArguments.map((t) => this.resolveType(t));
      return args.some((t) => t.kind === 'error') ? undefined : this.functionInstance(f, args, e);
    }
    const syms = tps.map((tp) => this.symbolOf(tp.name));
    const found = syms.map((): Array<{ t: Type; at: ts.Expression }> => []);
    f.decl.parameters.forEach((p, i) => {
      const a = e.arguments[i];
      if (!a || !p.type || !mentions(this, p.type, syms)) return;
      const t = pre[i] = this.expr(a, undefined);
      this.infer(p.type, t, syms, (k, u) => found[k].push({ t: u, at: a }));
    });
    const args: Type[] = [];
    for (let k = 0; k < tps.length; k++) {
      if (found[k].some((c) => c.t.kind === 'error')) return undefined;
      const typed = found[k].filter((c) => c.t.kind !== 'untyped' && c.t.kind !== 'null');
      const name = tps[k].name.text;
      if (typed.length === 0) {
        const why = found[k].length ? 'its arguments are literals or null, which take their type from elsewhere'
          : 'no argument mentions it';
        this.d.error(e, `cannot infer ${name} for '${f.name}': ${why}; write the type argument, e.g. `
          + `${callee}<${tps.map(() => 'u32').join(', ')}>(...)`);
        return undefined;
      }
      const pick = typed.find((c) => typed.every((o) => this.implicitly(o.t, c.t)));
      if (!pick) {
        const [a, b] = [typed[0].t, typed.find((c) => !sameType(c.t, typed[0].t))!.t];
        this.d.error(e, `'${f.name}' gets ${typeName(a)} and ${typeName(b)} for ${name}, and neither widens to the `
          + `other; convert one argument or write the type argument, e.g. ${callee}<${typeName(a)}>(...)`);
        return undefined;
      }
      args.push(pick.t);
    }
    return this.functionInstance(f, args, e);
  }

  /** What the call of a std instance must also meet: a constant alignment is a power of two. */
  protected instanceCall(e: ts.CallExpression, f: FuncInfo): void {
    const fname = ts.isFunctionDeclaration(f.decl) && f.decl.name ? f.decl.name.text : f.name;
    const at = POWER_OF_TWO[fname];
    const a = e.arguments[at ?? -1];
    if (!a || !this.p.std.includes(f.decl.getSourceFile())) return;
    const v = this.consts.get(a);
    if (v !== undefined && (v <= 0n || (v & (v - 1n)) !== 0n)) {
      const up = 1n << BigInt(v <= 0n ? 0 : v.toString(2).length);
      this.d.error(a, `the alignment of ${fname} must be a power of two, not ${v}; e.g. ${up}`);
    }
  }

  /** Matches a parameter's written type against an argument's type, reporting what each type parameter meets. */
  private infer(node: ts.TypeNode, t: Type, syms: (ts.Symbol | undefined)[], meet: (k: number, t: Type) => void): void {
    if (ts.isParenthesizedTypeNode(node)) { this.infer(node.type, t, syms, meet); return; }
    if (ts.isFunctionTypeNode(node)) { // a function passed for `(x: T) => U`
      if (t.kind !== 'fn') return;
      node.parameters.forEach((p, i) => { if (p.type && t.params[i]) this.infer(p.type, t.params[i], syms, meet); });
      this.infer(node.type, t.ret, syms, meet);
      return;
    }
    if (!ts.isTypeReferenceNode(node) || !ts.isIdentifier(node.typeName)) return;
    const s = this.symbolOf(node.typeName);
    const k = s ? syms.indexOf(s) : -1;
    if (k >= 0) { meet(k, t); return; }
    const a = node.typeArguments ?? [];
    const d = s?.declarations?.[0];
    if (!d || !a.length) return;
    if (this.isLibDecl(d)) {
      const name = node.typeName.text;
      if (name === 'Ptr' && t.kind === 'ptr') this.infer(a[0], t.to, syms, meet);
      else if (name === 'Arr' && t.kind === 'array') this.infer(a[0], t.elem, syms, meet);
      else if (name === 'Slice' && t.kind === 'array') this.infer(a[0], t.elem, syms, meet);
      else if (name === 'Slice' && t.kind === 'struct' && t.info.slice) this.infer(a[0], t.info.slice, syms, meet);
      return;
    }
    if (t.kind === 'struct' && t.info.node === d && t.info.typeArgs) {
      a.forEach((x, i) => this.infer(x, t.info.typeArgs![i], syms, meet));
    }
  }

  /** Whether a written type names a type parameter (`T`, `Ptr<T>`). */
  protected namesTypeParameter(node: ts.TypeNode): boolean {
    const walk = (n: ts.Node): boolean => {
      if (ts.isTypeReferenceNode(n) && ts.isIdentifier(n.typeName)) {
        const d = this.symbolOf(n.typeName)?.declarations?.[0];
        if (d && ts.isTypeParameterDeclaration(d)) return true;
      }
      return !!n.forEachChild((c) => (walk(c) ? true : undefined));
    };
    return walk(node);
  }

  /**
   * `x as T` in a generic body: tsc types `a + b` and `0` as number, never as T, so generic
   * arithmetic needs `(a + b) as T` to type-check there. In an instance T is known and the
   * value must convert to it implicitly: the `as` converts nothing.
   */
  protected asTypeParameter(a: ts.AsExpression): Type {
    const to = this.resolveType(a.type);
    const from = this.expr(a.expression, to);
    if (to.kind === 'error' || !this.assignable(a.expression, from, to)) return ERROR;
    const v = this.consts.get(a.expression);
    if (v !== undefined) this.consts.set(a, v);
    return to;
  }

  // ---- bodies -------------------------------------------------------------------------

  /** Runs `body` (a check of an instance's body) in the instance's maps and bindings. */
  protected withInstance<R>(inst: Instance | undefined, body: () => R): R {
    const saved = { ...this.facts(), bindings: this.bindings, context: this.d.context };
    this.enterInstance(inst);
    try { return body(); } finally {
      this.enter(saved);
      [this.bindings, this.d.context] = [saved.bindings, saved.context];
    }
  }

  /** Makes the maps of an instance (or, with undefined, the program's) the current ones: for the lowering. */
  enterInstance(inst: Instance | undefined): void {
    this.enter(inst ?? this.root);
    this.bindings = inst?.bindings ?? new Map();
    this.d.context = inst?.label;
  }

  private facts(): NodeFacts {
    return {
      types: this.types, consts: this.consts, calls: this.calls, entities: this.entities, formats: this.formats,
      accessors: this.accessors, staticRefs: this.staticRefs, news: this.news, exhaustive: this.exhaustive,
      allMembers: this.allMembers,
    };
  }

  private enter(m: NodeFacts): void {
    [this.types, this.consts, this.calls, this.entities, this.formats] = [m.types, m.consts, m.calls, m.entities,
      m.formats];
    [this.accessors, this.staticRefs, this.news, this.exhaustive, this.allMembers] = [m.accessors, m.staticRefs,
      m.news, m.exhaustive, m.allMembers];
  }
}

let nextId = 1;

/** How deep instances may nest (a generic that instantiates itself with new types never ends). */
const MAX_DEPTH = 64;

/** Std functions with an argument (at this position) that must be a power of two where it is a constant. */
const POWER_OF_TWO: Record<string, number> = { alignUp: 1, alignDown: 1 };

/** Whether a written type names one of the type parameters. */
interface Symbols { symbolOf(n: ts.Node): ts.Symbol | undefined }

function mentions(r: Symbols, node: ts.Node, syms: (ts.Symbol | undefined)[]): boolean {
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && syms.includes(r.symbolOf(node.typeName))) {
    return true;
  }
  return !!node.forEachChild((c) => (mentions(r, c, syms) ? true : undefined));
}

function bindingsOf(r: Symbols, decl: Generic, args: Type[], outer?: Map<ts.Symbol, Type>): Map<ts.Symbol, Type> {
  const m = new Map<ts.Symbol, Type>(outer);
  (decl.typeParameters ?? []).forEach((tp, i) => {
    const s = r.symbolOf(tp.name);
    if (s) m.set(s, args[i] ?? ERROR);
  });
  return m;
}
