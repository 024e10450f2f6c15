// Functions inside functions, without closures (docs/language.md, "Nested functions and
// arrow functions"): a nested `function` declaration and an arrow function (or function
// expression) become module-level functions of their own; used as a value, one is a
// function pointer. A nested function cannot use the locals or parameters of a function
// around it (that would need a closure): doing so is an error naming the variable.
import * as ts from 'typescript';
import { Type, FnType, ERROR, VOID, typeName } from './types';
import { FuncInfo } from './entities';
import { NullishChecker } from './nullish';

export type Lambda = ts.ArrowFunction | ts.FunctionExpression;

export abstract class NestedChecker extends NullishChecker {
  /** Arrow functions and function expressions, each lowered as a function of its own. */
  readonly lambdas = new Map<ts.Node, FuncInfo>();

  protected abstract collectFunction(decl: ts.FunctionDeclaration, mod: string): void;
  protected abstract moduleName(sf: ts.SourceFile): string;

  /** Collects the function declarations nested directly in f's body, named after f (`outer.inner`). */
  protected collectNested(f: FuncInfo): void {
    const walk = (n: ts.Node): void => {
      if (ts.isFunctionDeclaration(n)) {
        this.collectFunction(n, f.irName); // which collects the functions nested in it
        return;
      }
      n.forEachChild(walk);
    };
    if (f.decl.body) f.decl.body.forEachChild(walk);
  }

  /**
   * Whether `id` names a local or parameter of a function around the one being checked:
   * then it is reported, and the name has no value here.
   */
  protected captured(id: ts.Identifier, sym: ts.Symbol): boolean {
    const decl = sym.valueDeclaration;
    if (!this.fn || !decl || !(ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isBindingElement(decl))) {
      return false;
    }
    const owner = ts.findAncestor(decl.parent, ts.isFunctionLike);
    if (!owner || owner === this.fn.decl || this.entities.get(sym)?.kind === 'const') return false;
    const ownerName = (owner as ts.FunctionLikeDeclaration).name?.getText() ?? 'the enclosing function';
    const type = this.entities.get(sym)?.type;
    const param = `${id.text}: ${type ? typeName(type) : 'T'}`;
    this.d.error(id, `'${id.text}' belongs to ${ownerName === 'the enclosing function' ? ownerName : `'${ownerName}'`}, `
      + `and a nested function cannot use it (there are no closures); pass it as a parameter (\`${param}\`)`);
    return true;
  }

  /** An arrow function or function expression: a function of its own, its value a pointer. */
  protected lambda(e: Lambda, ctx: Type | undefined): Type {
    const done = this.lambdas.get(e);
    if (done) return done.type;
    const want = ctx?.kind === 'fn' ? ctx : undefined;
    const params: Type[] = [];
    const psyms: ts.Symbol[] = [];
    e.parameters.forEach((p, i) => {
      let t: Type = ERROR;
      if (p.type) t = this.unbound(() => this.resolveType(p.type!));
      else if (want?.params[i]) t = want.params[i];
      else {
        this.d.error(p, `parameter '${p.name.getText()}' needs a type annotation, e.g. \`${p.name.getText()}: u64\` `
          + '(or pass the function where a function type is expected)');
      }
      if (!ts.isIdentifier(p.name) || p.initializer || p.questionToken || p.dotDotDotToken) {
        this.d.error(p, 'a parameter of an arrow function is a plain `name: Type`');
      }
      params.push(t);
      psyms.push(this.tc.getSymbolAtLocation(p.name)!);
    });
    let ret: Type | undefined = e.type ? this.unbound(() => this.resolveType(e.type!)) : want?.ret;
    // Without a written or expected result type: void for a block body, the type of the
    // expression for an expression body (inferResult).
    const infer = !ret && !ts.isBlock(e.body);
    ret ??= infer ? ERROR : VOID;
    const sf = e.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition(e.getStart(sf)).line + 1;
    const owner = ts.isVariableDeclaration(e.parent) ? e.parent.name.getText() : 'arrow';
    const type: FnType = { kind: 'fn', params, ret, efiapi: false };
    if (e.modifiers?.length || e.asteriskToken) this.d.error(e, 'async functions and generators are not supported');
    if (e.typeParameters?.length) this.d.error(e, 'generic functions are not supported');
    const f: FuncInfo = {
      kind: 'func', name: owner, irName: `${this.fn?.irName ?? this.moduleName(sf)}.${owner}$${line}`, decl: e, type,
      params: psyms, external: false, exported: false, required: params.length,
      tags: { efiapi: false, inline: false, noinline: false, naked: false, nobuiltins: false, minsize: false, cold: false, hot: false },
    };
    this.lambdas.set(e, f);
    this.funcs.push(f);
    this.collectNested(f);
    if (infer) {
      // While declarations are collected, names declared later are not known yet.
      if (this.resultsPending) this.resultsPending.push(f); else this.inferResult(f);
    }
    return type;
  }

  /** Arrow functions met while declarations are collected, whose result types are inferred after. */
  private resultsPending: FuncInfo[] | undefined = [];

  /** Infers the result types of the arrow functions met while declarations were collected (checker.ts). */
  protected inferPendingResults(): void {
    const list = this.resultsPending ?? [];
    this.resultsPending = undefined;
    for (const f of list) this.inferResult(f);
  }

  /**
   * The result type of an arrow function with an expression body and no result type written
   * or expected: the type of the expression, typed as the body is (in the program's maps,
   * with no type parameter bound: it is one function for every instance around it). A body
   * with no type of its own (literals only, `null`) cannot decide it.
   */
  private inferResult(f: FuncInfo): void {
    const body = f.decl.body as ts.Expression;
    const saved = [this.fn, this.scopes, this.selfClass] as const;
    try {
      f.type.ret = this.withInstance(undefined, () => this.unbound(() => {
        this.fn = f;
        this.selfClass = undefined;
        this.scopes = [new Set(f.decl.parameters.map((p) => p.name.getText()))];
        f.decl.parameters.forEach((p, i) => {
          const sym = f.params[i];
          if (sym) this.entities.set(sym, { kind: 'local', name: p.name.getText(), type: f.type.params[i], decl: p });
        });
        const t = this.expr(body, undefined);
        if (t.kind !== 'untyped' && t.kind !== 'null') return t;
        this.d.error(body, `the result type of this arrow function cannot be inferred: its body has no type of its `
          + `own (${t.kind === 'null' ? 'null' : 'an integer constant'}); write it, e.g. \`(x: u32): u32 => 1\``);
        return ERROR;
      }));
    } finally { [this.fn, this.scopes, this.selfClass] = saved; }
  }
}
