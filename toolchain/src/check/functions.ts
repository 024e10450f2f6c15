// Functions: their declarations (signature, JSDoc tags, external functions) and the
// checking of their bodies, with what is only visible across a whole body: a reachable
// end in a function with a result, and stores into a struct copy that is never read.
import * as ts from 'typescript';
import { Type, FnType, VOID, ERROR, typeName } from './types';
import { rejectByValue } from './aggregates';
import { defaultsFrom, laterParameter, thisIn } from './defaults';
import { FuncInfo, FnTags, FnDecl, selfParams } from './entities';
import { REJECTED } from './rejected';
import { canFallThrough } from './flow';
import { IterationChecker } from './iteration';

const TS = ts.SyntaxKind;

/** The JSDoc tags that change how a function is emitted (docs/language.md). */
const TAGS = ['symbol', 'efiapi', 'inline', 'noinline', 'naked', 'nobuiltins', 'minsize', 'cold', 'hot'];

/** Edit distance, to recognise a misspelt tag. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

export abstract class FunctionChecker extends IterationChecker {
  protected tagsOf(decl: FnDecl): FnTags {
    const tags: FnTags = {
      efiapi: false, inline: false, noinline: false, naked: false, nobuiltins: false, minsize: false, cold: false,
      hot: false,
    };
    for (const t of ts.getJSDocTags(decl)) {
      const name = t.tagName.text;
      const text = typeof t.comment === 'string' ? t.comment.trim() : '';
      switch (name) {
        case 'symbol':
          if (!/^[A-Za-z_][A-Za-z0-9_.$]*$/.test(text)) {
            this.d.error(t, `@symbol needs a symbol name, e.g. \`@symbol efi_main\``);
          } else tags.symbol = text;
          break;
        case 'efiapi': tags.efiapi = true; break;
        case 'inline': tags.inline = true; break;
        case 'noinline': tags.noinline = true; break;
        case 'naked': tags.naked = true; break;
        case 'nobuiltins': tags.nobuiltins = true; break;
        case 'minsize': tags.minsize = true; break;
        case 'cold': tags.cold = true; break;
        case 'hot': tags.hot = true; break;
        default: {
          // Ordinary documentation tags (@param, @returns, ...) mean nothing to the
          // compiler; one that is nearly a tsboot tag is most likely a typo.
          const near = TAGS.find((k) => distance(name.toLowerCase(), k) <= (k.length > 5 ? 2 : 1));
          if (near) this.d.warn(t.tagName, `unknown tag @${name} is ignored; did you mean @${near}?`);
        }
      }
    }
    return tags;
  }

  protected collectFunction(decl: ts.FunctionDeclaration, mod: string): void {
    if (!decl.name) { this.d.error(decl, 'a function needs a name'); return; }
    const sym = this.declSymbol(decl);
    if (!sym) return;
    if (this.entities.has(sym)) {
      this.d.error(decl, `function overloads are not supported; give each variant its own name`);
      return;
    }
    this.modifiers(decl, [TS.ExportKeyword, TS.DeclareKeyword], 'functions');
    if (decl.asteriskToken) this.d.error(decl, 'generators are not supported');
    const mods = ts.getCombinedModifierFlags(decl);
    const tags = this.tagsOf(decl);
    // A generic function's signature is resolved per instance (generics.ts).
    const generic = !!decl.typeParameters?.length;
    if (generic) this.typeParameters(decl);
    const required = defaultsFrom(decl, this.d);
    const { params, ret, psyms } = generic ? { params: [], ret: VOID, psyms: [] } : this.signature(decl);
    const external = !decl.body;
    if (generic && (external || tags.symbol || tags.efiapi || tags.naked)) {
      this.d.error(decl.name, 'a generic function has one body per instance: it cannot be external, '
        + '@symbol, @efiapi or @naked');
    }
    if (external && !(mods & ts.ModifierFlags.Ambient)) {
      this.d.error(decl, 'a function without a body must be `declare function` with `@symbol name`');
    }
    if (external && !tags.symbol && !decl.getSourceFile().isDeclarationFile) {
      this.d.error(decl, 'an external function needs `/** @symbol name */` naming the symbol it links to');
    }
    const name = decl.name.text;
    const exported = !!(mods & ts.ModifierFlags.Export);
    const boundary = tags.efiapi ? 'an Efiapi' : external ? 'an external' : tags.symbol ? 'a @symbol' : undefined;
    if (boundary) {
      const fnType: FnType = { kind: 'fn', params, ret, efiapi: tags.efiapi };
      rejectByValue(this.d, fnType, boundary, decl.parameters.map((p) => p.type ?? p), decl.type);
    }
    const f: FuncInfo = {
      kind: 'func', name, irName: tags.symbol ?? `${mod}.${name}`, decl,
      type: { kind: 'fn', params, ret, efiapi: tags.efiapi }, params: psyms, tags, external, exported, required,
      generic,
    };
    this.entities.set(sym, f);
    this.funcs.push(f);
    this.collectNested(f);
  }

  /**
   * The parameter types (after `leading`, the hidden ones), their symbols and the result type
   * of a function (of an instance, when type parameters are bound).
   */
  protected signature(
    decl: ts.SignatureDeclaration, leading: Type[] = [],
  ): { params: Type[]; psyms: ts.Symbol[]; ret: Type } {
    const params = [...leading];
    const psyms: ts.Symbol[] = [];
    const names = new Set<string>();
    for (const p of decl.parameters) {
      if (ts.isIdentifier(p.name)) this.declare(names, p.name);
      params.push(this.parameter(p));
      psyms.push(this.tc.getSymbolAtLocation(p.name)!);
    }
    const ret: Type = decl.type ? this.resolveType(decl.type) : VOID;
    return { params, psyms, ret };
  }

  private parameter(p: ts.ParameterDeclaration): Type {
    if (!ts.isIdentifier(p.name)) { this.d.error(p.name, REJECTED[p.name.kind]!); return ERROR; }
    if (p.name.text === 'this') {
      this.d.error(p, 'a `this` parameter is not supported; pass the object as an ordinary Ptr<T> parameter');
      return ERROR;
    }
    if (ts.isParameterPropertyDeclaration(p, p.parent)) {
      this.d.error(p, 'parameter properties are not supported; declare the field in the class and assign it in the '
        + 'constructor');
    } else this.modifiers(p, [], 'parameters');
    if (p.dotDotDotToken) this.d.error(p, 'rest parameters are not supported; pass a Ptr<T> and a count');
    if (p.questionToken && !p.initializer) {
      this.d.error(p, `an optional parameter needs a default value (there is no undefined), e.g. `
        + `\`${p.name.text}: ${p.type ? p.type.getText() : 'u32'} = 0\``);
    }
    if (!p.type) {
      this.d.error(p, `parameter '${p.name.text}' needs a type annotation, e.g. \`${p.name.text}: u64\``);
      return ERROR;
    }
    const t = this.resolveType(p.type);
    if (t.kind === 'void' || t.kind === 'never') this.d.error(p.type, `a parameter cannot have type ${typeName(t)}`);
    return t;
  }

  protected checkFunction(f: FuncInfo): void {
    if (f.generic) return; // only its instances are checked, each in its own maps
    // An instance method's `this` (a generic method's instance is checked apart from its class).
    const self = this.selfClass;
    if (f.member && f.member.role !== 'static') this.selfClass = f.member.cls;
    try {
      if (f.instance) this.withInstance(f.instance, () => this.checkBody(f));
      else this.checkBody(f);
    } finally { this.selfClass = self; }
  }

  private checkBody(f: FuncInfo): void {
    this.fn = f;
    // The parameters and the body's top-level declarations share one scope, as in JavaScript.
    this.scopes = [new Set(f.decl.parameters.map((p) => p.name.getText()))];
    this.copies = [];
    const hidden = selfParams(f);
    f.decl.parameters.forEach((p, i) => {
      const sym = f.params[i];
      const type = f.type.params[hidden + i];
      if (sym) this.entities.set(sym, { kind: 'local', name: p.name.getText(), type, decl: p });
    });
    f.decl.parameters.forEach((p, i) => {
      if (p.initializer) this.guarded(p.initializer, () => this.checkDefault(f, i));
    });
    const body = f.decl.body!;
    if (!ts.isBlock(body)) {
      // An arrow function's expression body: its result.
      this.guarded(body, () => {
        const ret = f.type.ret;
        const t = this.expr(body, ret.kind === 'void' ? undefined : ret);
        if (ret.kind !== 'void') this.assignable(body, t, ret, 'result');
      });
      this.fn = undefined;
      return;
    }
    for (const st of body.statements) this.guarded(st, () => this.stmt(st));
    if (!f.tags.naked) {
      if (f.type.ret.kind !== 'void' && f.type.ret.kind !== 'error' && this.endReachable(body)) {
        this.d.error(f.decl.name ?? f.decl, f.type.ret.kind === 'never'
          ? `function '${f.name}' returns never but its end is reachable; end it with a loop, panic() or unreachable()`
          : `function '${f.name}' can reach its end without returning a ${typeName(f.type.ret)}`);
      }
      this.deadCopies(body);
    }
    this.fn = undefined;
  }

  /**
   * A default value: of the parameter's type, over constants, globals, earlier parameters
   * and, in an instance method, `this` (the object the call is on).
   */
  private checkDefault(f: FuncInfo, i: number): void {
    const init = f.decl.parameters[i].initializer!;
    const t = f.type.params[selfParams(f) + i];
    const self = f.member?.role === 'ctor' ? thisIn(init) : undefined;
    if (self) {
      this.d.error(self, `a constructor's default value cannot use \`${self.getText()}\`: it is evaluated before the `
        + 'object is built; use a constant or an earlier parameter, or assign the field in the constructor\'s body');
      return;
    }
    this.assignable(init, this.expr(init, t), t, 'default value');
    const later = laterParameter(f.decl, i, (id) => this.symbolOf(id), f.params);
    if (later) {
      this.d.error(later, `a default value may use only earlier parameters, and '${later.text}' comes later; `
        + 'reorder the parameters');
    }
  }

  /**
   * Whether a function's end is reachable. A switch over an enum that lists every member is
   * taken as exhaustive, as tsc does, only where that decides it: such a switch then
   * panics on a value that is no member, instead of running off the end.
   */
  private endReachable(body: ts.Block): boolean {
    const facts = { consts: this.consts, types: this.types };
    if (!canFallThrough(body, { ...facts, exhaustive: new Set() })) return false;
    const relied = new Set<ts.SwitchStatement>();
    if (canFallThrough(body, { ...facts, exhaustive: this.allMembers, relied })) return true;
    for (const sw of relied) this.exhaustive.add(sw);
    return false;
  }

  /**
   * Warns about a store into a local struct or array that is a copy of another place
   * (`const s = arr[i]; s.f = 1;`) when the local is never read: the store changes only the
   * copy, which is almost certainly not what was meant.
   */
  private deadCopies(body: ts.Block): void {
    // The candidates were noted as the locals were declared (stmts.ts): most functions have none.
    if (this.copies.length === 0) return;
    const copies = new Map<ts.Symbol, { decl: ts.VariableDeclaration; stores: ts.Node[]; read: boolean }>();
    for (const { sym, decl } of this.copies) copies.set(sym, { decl, stores: [], read: false });
    const names = new Set(this.copies.map((c) => c.decl.name.getText()));
    this.copies = [];
    const walk: ts.Node[] = [body];
    const uses: ts.Identifier[] = [];
    while (walk.length) {
      const n = walk.pop()!;
      if (ts.isIdentifier(n) && names.has(n.text)) uses.push(n);
      n.forEachChild((c) => { walk.push(c); });
    }
    for (const id of uses) {
      const c = copies.get(this.symbolOf(id)!);
      if (!c || id === c.decl.name) continue;
      const store = this.storeRoot(id);
      if (store) c.stores.push(store);
      else c.read = true;
    }
    for (const c of copies.values()) {
      if (c.read || c.stores.length === 0) continue;
      const name = c.decl.name.getText();
      const from = c.decl.initializer!.getText();
      this.d.warn(c.stores[0], `'${name}' is a copy of ${from} (structs and arrays are copied on assignment) and is `
        + `never read, so this store changes only the copy; to change ${from} itself, assign to it or take a `
        + `pointer: \`let ${name}: Ptr<...> = addressOf(${from})\``);
    }
  }

  /**
   * When `id` is the root of an assignment target (`s.f = v`, `s.a[i] += v`, `s.n++`), the
   * assignment; otherwise (a read) undefined.
   */
  private storeRoot(id: ts.Identifier): ts.Node | undefined {
    let n: ts.Node = id;
    while ((ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent))
      && n.parent.expression === n) n = n.parent;
    if (n === id) return undefined; // the whole copy is used (passed, assigned, returned)
    const p = n.parent;
    if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind >= TS.FirstAssignment
      && p.operatorToken.kind <= TS.LastAssignment) return p;
    if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p))
      && (p.operator === TS.PlusPlusToken || p.operator === TS.MinusMinusToken)) return p;
    return undefined;
  }
}
