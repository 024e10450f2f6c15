// Declarations: what each module declares (functions, variables, constants, structs,
// enums, type aliases, imports), the symbol names they get, and the checking of function
// bodies and module-variable initialisers.
import * as ts from 'typescript';
import * as path from 'path';
import { STD_DIR } from '../parse/program';
import { Type, VOID, ERROR, typeName } from './types';
import { FuncInfo, GlobalInfo, ConstInfo, FnTags } from './entities';
import { REJECTED } from './rejected';
import { canFallThrough } from './flow';
import { StmtChecker } from './stmts';

const TS = ts.SyntaxKind;

export abstract class DeclChecker extends StmtChecker {
  /** Symbol prefix of a module: its path from the entry file's folder, so that the names
   *  (and the binary) do not depend on where the compiler was run. */
  private moduleName(sf: ts.SourceFile): string {
    const std = path.resolve(STD_DIR);
    const f = path.resolve(sf.fileName);
    if (f.startsWith(std + path.sep)) return 'std/' + path.relative(std, f).replace(/\.ts$/, '');
    const fromEntry = path.relative(path.dirname(path.resolve(this.p.entry.fileName)), f);
    return fromEntry.replace(/\.ts$/, '').split(path.sep).join('/');
  }

  protected collect(sf: ts.SourceFile): void {
    const mod = this.moduleName(sf);
    for (const st of sf.statements) {
      switch (st.kind) {
        case TS.ImportDeclaration: {
          const imp = st as ts.ImportDeclaration;
          const nb = imp.importClause?.namedBindings;
          if (imp.importClause?.name) {
            this.d.error(imp.importClause.name,
              'default imports are not supported; use `import { name } from "./module"`');
          }
          if (nb && ts.isNamespaceImport(nb)) {
            this.d.error(nb,
              '`import * as` is not supported; import the names you use: `import { a, b } from "./module"`');
          }
          if (imp.moduleSpecifier && ts.isStringLiteral(imp.moduleSpecifier)) {
            const m = this.tc.getSymbolAtLocation(imp.moduleSpecifier);
            if (!m) {
              const name = imp.moduleSpecifier.text;
              this.d.error(imp.moduleSpecifier,
                `cannot find module '${name}'; subset imports are relative paths like "./uart"`);
            }
          }
          break;
        }
        case TS.ExportDeclaration: break; // re-exports resolve through symbol aliases
        case TS.FunctionDeclaration: this.collectFunction(st as ts.FunctionDeclaration, mod); break;
        case TS.VariableStatement: this.collectVariables(st as ts.VariableStatement, mod); break;
        case TS.InterfaceDeclaration: this.structOf(st as ts.InterfaceDeclaration); break;
        case TS.EnumDeclaration: this.enumOf(st as ts.EnumDeclaration); break;
        case TS.TypeAliasDeclaration: break; // resolved where used
        case TS.EmptyStatement: break;
        default:
          this.d.error(st, REJECTED[st.kind] ?? 'this statement is not allowed at module level; a module holds '
            + 'imports, functions, constants, variables, structs, enums and type aliases');
      }
    }
  }

  private tagsOf(decl: ts.FunctionDeclaration): FnTags {
    const tags: FnTags = { efiapi: false, inline: false, noinline: false, naked: false, nobuiltins: false };
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
        default: break; // ordinary documentation tags (@param, @returns, ...)
      }
    }
    return tags;
  }

  private collectFunction(decl: ts.FunctionDeclaration, mod: string): void {
    if (!decl.name) { this.d.error(decl, 'a function needs a name'); return; }
    const sym = this.declSymbol(decl);
    if (!sym) return;
    if (this.entities.has(sym)) {
      this.d.error(decl, `function overloads are not supported; give each variant its own name`);
      return;
    }
    if (decl.typeParameters?.length) {
      this.d.error(decl.typeParameters[0], 'generic functions are not supported; write one function per type');
    }
    if (decl.asteriskToken) this.d.error(decl, 'generators are not supported');
    const mods = ts.getCombinedModifierFlags(decl);
    if (mods & ts.ModifierFlags.Async) this.d.error(decl, 'async functions are not supported');
    const tags = this.tagsOf(decl);
    const params: Type[] = [];
    const psyms: ts.Symbol[] = [];
    for (const p of decl.parameters) {
      if (!ts.isIdentifier(p.name)) { this.d.error(p.name, REJECTED[p.name.kind]!); params.push(ERROR); continue; }
      if (p.dotDotDotToken) this.d.error(p, 'rest parameters are not supported; pass a Ptr<T> and a count');
      if (p.questionToken || p.initializer) {
        this.d.error(p, 'optional and default parameters are not supported; pass every argument');
      }
      let t: Type = ERROR;
      if (!p.type) this.d.error(p, `parameter '${p.name.text}' needs a type annotation, e.g. \`${p.name.text}: u64\``);
      else t = this.resolveType(p.type);
      if (t.kind === 'struct' || t.kind === 'array') {
        this.d.error(p.type!, `${typeName(t)} cannot be passed by value; take a Ptr<${typeName(t)}>`);
      }
      if (t.kind === 'void' || t.kind === 'never') this.d.error(p.type!, `a parameter cannot have type ${typeName(t)}`);
      params.push(t);
      psyms.push(this.tc.getSymbolAtLocation(p.name)!);
    }
    let ret: Type = VOID;
    if (decl.type) ret = this.resolveType(decl.type);
    if (ret.kind === 'struct' || ret.kind === 'array') {
      const name = typeName(ret);
      this.d.error(decl.type!, `${name} cannot be returned by value; fill in a Ptr<${name}> parameter`);
    }
    const external = !decl.body;
    if (external && !(mods & ts.ModifierFlags.Ambient)) {
      this.d.error(decl, 'a function without a body must be `declare function` with `@symbol name`');
    }
    if (external && !tags.symbol && !decl.getSourceFile().isDeclarationFile) {
      this.d.error(decl, 'an external function needs `/** @symbol name */` naming the symbol it links to');
    }
    const name = decl.name.text;
    const exported = !!(mods & ts.ModifierFlags.Export);
    const f: FuncInfo = {
      kind: 'func', name, irName: tags.symbol ?? `${mod}.${name}`, decl,
      type: { kind: 'fn', params, ret, efiapi: tags.efiapi }, params: psyms, tags, external, exported,
    };
    this.entities.set(sym, f);
    this.funcs.push(f);
  }

  private collectVariables(st: ts.VariableStatement, mod: string): void {
    const isConst = !!(st.declarationList.flags & ts.NodeFlags.Const);
    if (!isConst && !(st.declarationList.flags & ts.NodeFlags.Let)) {
      this.d.error(st, '`var` is not supported; use `let` or `const`');
    }
    if (ts.getCombinedModifierFlags(st.declarationList.declarations[0]) & ts.ModifierFlags.Ambient) {
      this.d.error(st, '`declare` variables are not supported in subset sources; define the variable');
      return;
    }
    for (const decl of st.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name)) { this.d.error(decl.name, REJECTED[decl.name.kind]!); continue; }
      const sym = this.declSymbol(decl);
      if (!sym) continue;
      const name = decl.name.text;
      const declared = decl.type ? this.resolveType(decl.type) : undefined;
      if (isConst && (!declared || declared.kind === 'int' || declared.kind === 'bool' || declared.kind === 'enum')) {
        // A scalar constant: folded at compile time, no storage.
        const c: ConstInfo = {
          kind: 'const', name, type: declared, init: decl.initializer, value: undefined, state: 'new', decl,
        };
        if (!decl.initializer) this.d.error(decl, `const '${name}' needs an initialiser`);
        this.entities.set(sym, c);
        continue;
      }
      let type: Type = declared ?? ERROR;
      if (!declared) {
        this.d.error(decl, `module variable '${name}' needs a type annotation, e.g. \`let ${name}: u64 = 0\``);
      }
      if (type.kind === 'void' || type.kind === 'never') {
        this.d.error(decl.type!, `a variable cannot have type ${typeName(type)}`);
      }
      const g: GlobalInfo = { kind: 'global', name, irName: `${mod}.${name}`, type, decl, isConst };
      this.entities.set(sym, g);
      this.globals.push(g);
    }
  }

  protected checkGlobal(g: GlobalInfo): void {
    const init = g.decl.initializer;
    if (!init) {
      if (g.isConst) this.d.error(g.decl, `const '${g.name}' needs an initialiser`);
      return;
    }
    this.fn = undefined;
    const t = this.expr(init, g.type);
    this.assignable(init, t, g.type);
    if (!this.isConstantInit(init)) {
      this.d.error(init, `the initialiser of module variable '${g.name}' must be a compile-time constant (literals, `
        + 'named constants, string literals, function names, addressOf(global), array and object literals of those, '
        + 'zeroed<T>()); assign it in a function instead');
    }
  }

  /** Whether an initialiser can be emitted as static data. */
  isConstantInit(e: ts.Expression): boolean {
    if (this.consts.has(e)) return true;
    const t = this.types.get(e);
    if (ts.isParenthesizedExpression(e)) return this.isConstantInit(e.expression);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || e.kind === TS.NullKeyword) return true;
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => this.isConstantInit(x));
    if (ts.isObjectLiteralExpression(e)) {
      return e.properties.every((p) => ts.isPropertyAssignment(p) && this.isConstantInit(p.initializer));
    }
    if (ts.isIdentifier(e) && t?.kind === 'fn') return this.entityOf(e)?.kind === 'func';
    if (ts.isCallExpression(e)) {
      const k = this.calls.get(e);
      if (k?.kind === 'builtin' && k.name === 'zeroed') return true;
      if (k?.kind === 'builtin' && k.name === 'addressOf') {
        const a = e.arguments[0];
        return ts.isIdentifier(a) && this.entityOf(a)?.kind === 'global';
      }
      if (k?.kind === 'builtin' && (k.name === 'cast' || k.name === 'ptr')) return this.isConstantInit(e.arguments[0]);
    }
    return false;
  }

  protected checkFunction(f: FuncInfo): void {
    this.fn = f;
    f.decl.parameters.forEach((p, i) => {
      const sym = f.params[i];
      if (sym) this.entities.set(sym, { kind: 'local', name: p.name.getText(), type: f.type.params[i], decl: p });
    });
    if (f.tags.naked) {
      for (const st of f.decl.body!.statements) this.stmt(st);
      return;
    }
    this.stmt(f.decl.body!);
    if (f.type.ret.kind !== 'void' && f.type.ret.kind !== 'error' && canFallThrough(f.decl.body!, this)) {
      this.d.error(f.decl.name!, f.type.ret.kind === 'never'
        ? `function '${f.name}' returns never but its end is reachable; end it with a loop, panic() or unreachable()`
        : `function '${f.name}' can reach its end without returning a ${typeName(f.type.ret)}`);
    }
    this.fn = undefined;
  }
}
