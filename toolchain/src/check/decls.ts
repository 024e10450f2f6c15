// Module declarations: what each module declares (imports, functions, variables,
// constants, structs, enums, type aliases), the symbol names they get, and the checking of
// module-variable initialisers. Every declaration is checked, used or not. Classes are
// collected in classes.ts.
import * as ts from 'typescript';
import * as path from 'path';
import { STD_DIR } from '../parse/program';
import { Type, ERROR, typeName } from './types';
import { GlobalInfo, ConstInfo } from './entities';
import { alignTag } from './attributes';
import { REJECTED, declarationKeyword } from './rejected';
import { ClassChecker } from './classes';
import { isContract } from './resolve';

const TS = ts.SyntaxKind;

export abstract class DeclChecker extends ClassChecker {
  /** Module-level scalar constants, evaluated whether or not they are used. */
  protected readonly moduleConsts: ConstInfo[] = [];
  /** The names the module being collected declares, as values and as types (as in tsc). */
  private valueNames = new Set<string>();
  private typeNames = new Set<string>();

  /** Symbol prefix of a module: its path from the entry file's folder, so that the names
   *  (and the binary) do not depend on where the compiler was run. */
  protected moduleName(sf: ts.SourceFile): string {
    const std = path.resolve(STD_DIR);
    const f = path.resolve(sf.fileName);
    if (f.startsWith(std + path.sep)) return 'std/' + path.relative(std, f).replace(/\.ts$/, '');
    const fromEntry = path.relative(path.dirname(path.resolve(this.p.entry.fileName)), f);
    return fromEntry.replace(/\.ts$/, '').split(path.sep).join('/');
  }

  protected collect(sf: ts.SourceFile): void {
    const mod = this.moduleName(sf);
    this.valueNames = new Set();
    this.typeNames = new Set();
    for (const st of sf.statements) {
      switch (st.kind) {
        case TS.ImportDeclaration: this.importDecl(st as ts.ImportDeclaration); break;
        case TS.ExportDeclaration: { // re-exports resolve through symbol aliases
          const ex = st as ts.ExportDeclaration;
          if (ex.attributes) this.d.error(ex.attributes, 'import attributes are not supported');
          if (ex.exportClause && ts.isNamespaceExport(ex.exportClause)) {
            this.d.error(ex.exportClause,
              '`export * as` is not supported; re-export the names: `export { a, b } from "./m"`');
          }
          break;
        }
        case TS.FunctionDeclaration: {
          // An overload (a second declaration of the same function) has a message of its own.
          const f = st as ts.FunctionDeclaration;
          const sym = f.name && this.declSymbol(f);
          if (f.name && !(sym && this.entities.has(sym)) && !this.declare(this.valueNames, f.name)) break;
          this.collectFunction(f, mod);
          break;
        }
        case TS.VariableStatement: this.collectVariables(st as ts.VariableStatement, mod); break;
        case TS.InterfaceDeclaration:
          this.modifiers(st, [TS.ExportKeyword, TS.DeclareKeyword], 'interfaces');
          const itf = st as ts.InterfaceDeclaration;
          // A second declaration of the same interface (merging) has a message of its own.
          const merged = this.declSymbol(itf)?.declarations?.[0] !== itf;
          if ((merged || this.declare(this.typeNames, itf.name)) && !isContract(itf)) this.structOf(itf);
          if (itf.typeParameters?.length) this.typeParameters(itf);
          break;
        case TS.EnumDeclaration:
          this.modifiers(st, [TS.ExportKeyword, TS.ConstKeyword], 'enums');
          const en = st as ts.EnumDeclaration;
          if (this.declare(this.valueNames, en.name) && this.declare(this.typeNames, en.name)) this.enumOf(en);
          break;
        case TS.TypeAliasDeclaration:
          this.modifiers(st, [TS.ExportKeyword, TS.DeclareKeyword], 'type aliases');
          const alias = st as ts.TypeAliasDeclaration;
          if (this.declare(this.typeNames, alias.name)) this.checkAlias(alias);
          break;
        case TS.ClassDeclaration: {
          const c = st as ts.ClassDeclaration;
          if (c.name && this.declare(this.valueNames, c.name)) this.typeNames.add(c.name.text);
          this.collectClass(c);
          break;
        }
        case TS.EmptyStatement: break;
        default:
          this.d.error(st, REJECTED[st.kind] ?? 'this statement is not allowed at module level; a module holds '
            + 'imports, functions, constants, variables, structs, enums and type aliases');
      }
    }
  }

  private importDecl(imp: ts.ImportDeclaration): void {
    const clause = imp.importClause;
    const nb = clause?.namedBindings;
    if (clause?.name) {
      this.d.error(clause.name, 'default imports are not supported; use `import { name } from "./module"`');
    }
    if (nb && ts.isNamespaceImport(nb)) this.declare(this.valueNames, nb.name); // `ns.x` (state.ts)
    if (imp.attributes) this.d.error(imp.attributes, 'import attributes are not supported');
    if (!ts.isStringLiteral(imp.moduleSpecifier)) return;
    const m = this.tc.getSymbolAtLocation(imp.moduleSpecifier);
    const from = imp.moduleSpecifier.text;
    if (!m) {
      this.d.error(imp.moduleSpecifier,
        `cannot find module '${from}'; import a relative path like "./uart" or a module of an installed package like "tsboot/protocol"`);
      return;
    }
    // Every imported name must exist, used or not.
    if (nb && ts.isNamedImports(nb)) {
      for (const spec of nb.elements) {
        if (this.declare(this.valueNames, spec.name)) this.typeNames.add(spec.name.text);
        const s = this.tc.getSymbolAtLocation(spec.name);
        const target = s && s.flags & ts.SymbolFlags.Alias ? this.tc.getAliasedSymbol(s) : s;
        if (!target?.declarations?.length) {
          this.d.error(spec, `module '${from}' has no export '${(spec.propertyName ?? spec.name).text}'`);
        }
      }
    }
  }

  private collectVariables(st: ts.VariableStatement, mod: string): void {
    const flags = st.declarationList.flags;
    const isConst = !!(flags & ts.NodeFlags.Const);
    const bad = declarationKeyword(flags, true);
    if (bad) this.d.error(st, bad);
    if (ts.getCombinedModifierFlags(st.declarationList.declarations[0]) & ts.ModifierFlags.Ambient) {
      this.d.error(st, '`declare` variables are not supported in subset sources; define the variable');
      return;
    }
    this.modifiers(st, [TS.ExportKeyword], 'variables');
    for (const decl of st.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name)) { this.d.error(decl.name, REJECTED[decl.name.kind]!); continue; }
      const sym = this.declSymbol(decl);
      if (!sym || !this.declare(this.valueNames, decl.name)) continue;
      const name = decl.name.text;
      const declared = decl.type ? this.resolveType(decl.type) : this.newType(decl.initializer);
      const init = decl.initializer;
      const lambda = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
      const scalar = !declared || declared.kind === 'int' || declared.kind === 'bool' || declared.kind === 'enum';
      if (isConst && !lambda && scalar) {
        // A scalar constant: folded at compile time, no storage.
        const c: ConstInfo = {
          kind: 'const', name, type: declared, init: decl.initializer, value: undefined, state: 'new', decl,
        };
        if (!decl.initializer) this.d.error(decl, `const '${name}' needs an initialiser`);
        this.entities.set(sym, c);
        this.moduleConsts.push(c);
        continue;
      }
      let type: Type = declared ?? (lambda ? this.lambda(lambda, undefined) : ERROR); // a function pointer
      if (!declared && !lambda) {
        const kw = isConst ? 'const' : 'let';
        const example = init && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))
          ? `${kw} ${name}: cstr = ${init.getText()}` : `${kw} ${name}: u64 = 0`;
        this.d.error(decl, `module variable '${name}' needs a type annotation, e.g. \`${example}\``);
      }
      if (type.kind === 'void' || type.kind === 'never') {
        this.d.error(decl.type!, `a variable cannot have type ${typeName(type)}`);
      }
      const g: GlobalInfo = {
        kind: 'global', name, irName: `${mod}.${name}`, type, decl, isConst, align: alignTag(decl, this.d),
      };
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
    if (!this.isConstantInit(init) && t.kind !== 'error') {
      if (ts.isNewExpression(init)) {
        const name = this.news.get(init)?.name ?? init.expression.getText();
        this.d.error(init, `the initialiser of module variable '${g.name}' must be a compile-time constant, and `
          + `this \`new ${name}(...)\` runs code (a constructor, arguments or non-constant field initialisers); `
          + `declare \`let ${g.name}: ${name};\` and assign \`${g.name} = new ${name}(...)\` in a function`);
      } else if (this.types.get(init)?.kind === 'int' && !this.consts.has(init)) {
        this.notConstant(init, `the initialiser of module variable '${g.name}'`);
      } else {
        this.d.error(init, `the initialiser of module variable '${g.name}' must be a compile-time constant `
          + '(literals, named constants, string literals, function names, addressOf(global), array and object '
          + 'literals of those, zeroed<T>()); assign it in a function instead');
      }
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
    if (ts.isNewExpression(e)) return this.constantNew(e);
    if (this.lambdas.has(e)) return true;
    if (ts.isCallExpression(e)) {
      const k = this.calls.get(e);
      if (k?.kind === 'builtin' && (k.name === 'zeroed' || k.name === 'embed')) return true;
      if (k?.kind === 'builtin' && k.name === 'addressOf') {
        const a = e.arguments[0];
        return ts.isIdentifier(a) && this.entityOf(a)?.kind === 'global';
      }
      if (k?.kind === 'builtin' && (k.name === 'cast' || k.name === 'ptr')) return this.isConstantInit(e.arguments[0]);
    }
    return false;
  }
}
