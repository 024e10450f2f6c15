// Check stage: collects the program's declarations, resolves written types to subset
// types, types every expression (literals by context), folds constants exactly, and
// rejects everything outside the subset with a diagnostic that says what to use instead.
// The lowering stage reads the maps this class fills; it never re-derives a type.
import * as ts from 'typescript';
import * as path from 'path';
import { Diagnostics } from '../diagnostics';
import { Target } from '../targets';
import { ParsedProgram, LIB_DIR, STD_DIR } from '../parse/program';
import {
  Type, IntType, FnType, StructInfo, EnumInfo, Field, INT_TYPES, BOOL, VOID, NEVER, UNTYPED, NULL, ERROR, CSTR, WSTR, U8, U16, U32, U64, I64, USIZE, ISIZE,
  ptrTo, isInt, isIntegral, asInt, intMin, intMax, wrap, sameType, widens, typeName, sizeOf, alignOf,
} from './types';
import { Entity, FuncInfo, GlobalInfo, ConstInfo, FnTags } from './entities';
import { BUILTINS, ATOMICS, builtinSignature } from './builtins';
import { checkAtomicCall } from './atomics';

export type CallKind =
  | { kind: 'direct'; f: FuncInfo }
  | { kind: 'indirect'; type: FnType }
  | { kind: 'builtin'; name: string; typeArg?: Type }
  | { kind: 'convert'; to: Type };

const TS = ts.SyntaxKind;

/** Rejected syntax: what it is and what to use instead. */
const REJECTED: Partial<Record<ts.SyntaxKind, string>> = {
  [TS.ClassDeclaration]: 'classes are not supported; use a struct (`interface X extends Struct`) and functions taking Ptr<X>',
  [TS.ClassExpression]: 'classes are not supported; use a struct (`interface X extends Struct`) and functions taking Ptr<X>',
  [TS.ArrowFunction]: 'arrow functions and closures are not supported; use a named module-level function',
  [TS.FunctionExpression]: 'function expressions and closures are not supported; use a named module-level function',
  [TS.ThrowStatement]: 'exceptions are not supported; return a status code or call panic(msg)',
  [TS.TryStatement]: 'exceptions are not supported; return a status code or call panic(msg)',
  [TS.NewExpression]: '`new` is not supported: there are no objects; use a struct global, local or a Ptr<T>',
  [TS.ThisKeyword]: '`this` is not supported; pass a Ptr<T> parameter',
  [TS.TemplateExpression]: 'template strings are run-time strings, which are not supported; print the parts with print/printU/printHex',
  [TS.TaggedTemplateExpression]: 'tagged templates are not supported; use print and printU',
  [TS.ForOfStatement]: '`for...of` is not supported; use an index loop over an Arr<T, N>',
  [TS.ForInStatement]: '`for...in` is not supported; use an index loop',
  [TS.TypeOfExpression]: '`typeof` is not supported: types are known at compile time',
  [TS.DeleteExpression]: '`delete` is not supported',
  [TS.VoidExpression]: '`void` expressions are not supported',
  [TS.AwaitExpression]: '`await` is not supported',
  [TS.YieldExpression]: '`yield` is not supported',
  [TS.SpreadElement]: 'spread is not supported; pass each value',
  [TS.ObjectBindingPattern]: 'destructuring is not supported; read each field',
  [TS.ArrayBindingPattern]: 'destructuring is not supported; read each element',
  [TS.RegularExpressionLiteral]: 'regular expressions are not supported',
  [TS.WithStatement]: '`with` is not supported',
  [TS.DebuggerStatement]: '`debugger` is not supported; use -g and a debugger',
  [TS.ModuleDeclaration]: 'namespaces are not supported in subset sources; use modules (import/export)',
  [TS.TypeAssertionExpression]: '`<T>x` casts are not supported; use a conversion function like u32(x) or cast<T>(p)',
  [TS.SatisfiesExpression]: '`satisfies` is not supported',
  [TS.BigIntLiteral]: 'bigint literals are not supported; integer literals are exact at every width (write 123, not 123n)',
  [TS.ImportEqualsDeclaration]: '`import x = require()` is not supported; use `import { x } from "./m"`',
  [TS.ExportAssignment]: '`export =`/`export default` is not supported; use named exports',
};

export class Checker {
  readonly entities = new Map<ts.Symbol, Entity>();
  readonly types = new Map<ts.Node, Type>();
  readonly consts = new Map<ts.Node, bigint>();
  readonly calls = new Map<ts.CallExpression, CallKind>();
  readonly funcs: FuncInfo[] = [];
  readonly globals: GlobalInfo[] = [];
  /** Std implementations of the globals declared in toolchain/lib/std.d.ts. */
  readonly stdByName = new Map<string, FuncInfo>();
  entryMain: FuncInfo | undefined;

  private readonly structs = new Map<ts.Node, StructInfo>();
  private readonly enums = new Map<ts.Node, EnumInfo>();
  private readonly aliasBusy = new Set<ts.Node>();
  private readonly tc: ts.TypeChecker;
  /** The function whose body is being checked. */
  private fn: FuncInfo | undefined;
  private loopDepth = 0;
  private switchDepth = 0;
  private labels: string[] = [];
  private readonly userFiles: ts.SourceFile[];

  constructor(private readonly p: ParsedProgram, readonly target: Target, private readonly d: Diagnostics) {
    this.tc = p.checker;
    const libDir = path.resolve(LIB_DIR);
    this.userFiles = p.program.getSourceFiles().filter((sf) => !sf.isDeclarationFile || path.resolve(path.dirname(sf.fileName)) !== libDir)
      .filter((sf) => !sf.fileName.includes('/node_modules/'));
  }

  // ---- driver ----------------------------------------------------------------------

  run(): void {
    for (const sf of this.userFiles) this.collect(sf);
    for (const sf of this.p.std) {
      for (const f of this.funcs) if (f.decl.getSourceFile() === sf && f.exported) this.stdByName.set(f.name, f);
    }
    for (const g of this.globals) this.checkGlobal(g);
    for (const f of this.funcs) if (!f.external) this.checkFunction(f);
    this.findEntry();
  }

  private findEntry(): void {
    const sym = this.tc.getSymbolAtLocation(this.p.entry);
    const main = sym && this.tc.getExportsOfModule(sym).find((s) => s.name === 'main');
    const e = main && this.entities.get(main);
    if (!e || e.kind !== 'func') {
      this.d.add({ file: this.d.rel(this.p.entry.fileName), line: 1, col: 1, message: `the entry file exports no function 'main'; add \`export function main(): i32\` (${this.target.os === 'linux' ? 'the exit status' : this.target.os === 'uefi' ? 'main(image: Ptr<void>, systemTable: Ptr<...>): u64 on uefi' : 'main(arg: u64): void on elf'})` });
      return;
    }
    this.entryMain = e;
    if (!e.tags.symbol) e.irName = 'tsboot_main';
  }

  // ---- declarations ----------------------------------------------------------------

  /** Symbol prefix of a module: its path from the entry file's folder, so that the names
   *  (and the binary) do not depend on where the compiler was run. */
  private moduleName(sf: ts.SourceFile): string {
    const std = path.resolve(STD_DIR);
    const f = path.resolve(sf.fileName);
    if (f.startsWith(std + path.sep)) return 'std/' + path.relative(std, f).replace(/\.ts$/, '');
    return path.relative(path.dirname(path.resolve(this.p.entry.fileName)), f).replace(/\.ts$/, '').split(path.sep).join('/');
  }

  symbolOf(node: ts.Node): ts.Symbol | undefined {
    let s = this.tc.getSymbolAtLocation(node);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.tc.getAliasedSymbol(s);
    return s;
  }

  private declSymbol(decl: ts.Declaration & { name?: ts.Node }): ts.Symbol | undefined {
    return decl.name ? this.tc.getSymbolAtLocation(decl.name) : undefined;
  }

  private collect(sf: ts.SourceFile): void {
    const mod = this.moduleName(sf);
    for (const st of sf.statements) {
      switch (st.kind) {
        case TS.ImportDeclaration: {
          const imp = st as ts.ImportDeclaration;
          const nb = imp.importClause?.namedBindings;
          if (imp.importClause?.name) this.d.error(imp.importClause.name, 'default imports are not supported; use `import { name } from "./module"`');
          if (nb && ts.isNamespaceImport(nb)) this.d.error(nb, '`import * as` is not supported; import the names you use: `import { a, b } from "./module"`');
          if (imp.moduleSpecifier && ts.isStringLiteral(imp.moduleSpecifier)) {
            const m = this.tc.getSymbolAtLocation(imp.moduleSpecifier);
            if (!m) this.d.error(imp.moduleSpecifier, `cannot find module '${imp.moduleSpecifier.text}'; subset imports are relative paths like "./uart"`);
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
          this.d.error(st, REJECTED[st.kind] ?? `this statement is not allowed at module level; a module holds imports, functions, constants, variables, structs, enums and type aliases`);
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
          if (!/^[A-Za-z_][A-Za-z0-9_.$]*$/.test(text)) this.d.error(t, `@symbol needs a symbol name, e.g. \`@symbol efi_main\``);
          else tags.symbol = text;
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
    if (decl.typeParameters?.length) this.d.error(decl.typeParameters[0], 'generic functions are not supported; write one function per type');
    if (decl.asteriskToken) this.d.error(decl, 'generators are not supported');
    const mods = ts.getCombinedModifierFlags(decl);
    if (mods & ts.ModifierFlags.Async) this.d.error(decl, 'async functions are not supported');
    const tags = this.tagsOf(decl);
    const params: Type[] = [];
    const psyms: ts.Symbol[] = [];
    for (const p of decl.parameters) {
      if (!ts.isIdentifier(p.name)) { this.d.error(p.name, REJECTED[p.name.kind]!); params.push(ERROR); continue; }
      if (p.dotDotDotToken) this.d.error(p, 'rest parameters are not supported; pass a Ptr<T> and a count');
      if (p.questionToken || p.initializer) this.d.error(p, 'optional and default parameters are not supported; pass every argument');
      let t: Type = ERROR;
      if (!p.type) this.d.error(p, `parameter '${p.name.text}' needs a type annotation, e.g. \`${p.name.text}: u64\``);
      else t = this.resolveType(p.type);
      if (t.kind === 'struct' || t.kind === 'array') this.d.error(p.type!, `${typeName(t)} cannot be passed by value; take a Ptr<${typeName(t)}>`);
      if (t.kind === 'void' || t.kind === 'never') this.d.error(p.type!, `a parameter cannot have type ${typeName(t)}`);
      params.push(t);
      psyms.push(this.tc.getSymbolAtLocation(p.name)!);
    }
    let ret: Type = VOID;
    if (decl.type) ret = this.resolveType(decl.type);
    if (ret.kind === 'struct' || ret.kind === 'array') this.d.error(decl.type!, `${typeName(ret)} cannot be returned by value; fill in a Ptr<${typeName(ret)}> parameter`);
    const external = !decl.body;
    if (external && !(mods & ts.ModifierFlags.Ambient)) this.d.error(decl, 'a function without a body must be `declare function` with `@symbol name`');
    if (external && !tags.symbol && !decl.getSourceFile().isDeclarationFile) this.d.error(decl, 'an external function needs `/** @symbol name */` naming the symbol it links to');
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
    if (!isConst && !(st.declarationList.flags & ts.NodeFlags.Let)) this.d.error(st, '`var` is not supported; use `let` or `const`');
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
        const c: ConstInfo = { kind: 'const', name, type: declared, init: decl.initializer, value: undefined, state: 'new', decl };
        if (!decl.initializer) this.d.error(decl, `const '${name}' needs an initialiser`);
        this.entities.set(sym, c);
        continue;
      }
      let type: Type = declared ?? ERROR;
      if (!declared) {
        this.d.error(decl, `module variable '${name}' needs a type annotation, e.g. \`let ${name}: u64 = 0\``);
      }
      if (type.kind === 'void' || type.kind === 'never') this.d.error(decl.type!, `a variable cannot have type ${typeName(type)}`);
      const g: GlobalInfo = { kind: 'global', name, irName: `${mod}.${name}`, type, decl, isConst };
      this.entities.set(sym, g);
      this.globals.push(g);
    }
  }

  private checkGlobal(g: GlobalInfo): void {
    const init = g.decl.initializer;
    if (!init) {
      if (g.isConst) this.d.error(g.decl, `const '${g.name}' needs an initialiser`);
      return;
    }
    this.fn = undefined;
    const t = this.expr(init, g.type);
    this.assignable(init, t, g.type);
    if (!this.isConstantInit(init)) this.d.error(init, `the initialiser of module variable '${g.name}' must be a compile-time constant (literals, named constants, string literals, function names, addressOf(global), array and object literals of those, zeroed<T>()); assign it in a function instead`);
  }

  /** Whether an initialiser can be emitted as static data. */
  isConstantInit(e: ts.Expression): boolean {
    if (this.consts.has(e)) return true;
    const t = this.types.get(e);
    if (ts.isParenthesizedExpression(e)) return this.isConstantInit(e.expression);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || e.kind === TS.NullKeyword) return true;
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => this.isConstantInit(x));
    if (ts.isObjectLiteralExpression(e)) return e.properties.every((p) => ts.isPropertyAssignment(p) && this.isConstantInit(p.initializer));
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

  // ---- types -----------------------------------------------------------------------

  private readonly libFiles = new Map<ts.SourceFile, boolean>();

  private isLibDecl(decl: ts.Node): boolean {
    const sf = decl.getSourceFile();
    let r = this.libFiles.get(sf);
    if (r === undefined) {
      r = path.resolve(path.dirname(sf.fileName)) === path.resolve(LIB_DIR);
      this.libFiles.set(sf, r);
    }
    return r;
  }

  resolveType(node: ts.TypeNode): Type {
    switch (node.kind) {
      case TS.VoidKeyword: return VOID;
      case TS.NeverKeyword: return NEVER;
      case TS.BooleanKeyword: return BOOL;
      case TS.ParenthesizedType: return this.resolveType((node as ts.ParenthesizedTypeNode).type);
      case TS.NumberKeyword:
        this.d.error(node, '`number` is not a subset type; use a machine type such as u64, u32, i32 or usize'); return ERROR;
      case TS.AnyKeyword:
        this.d.error(node, '`any` is not supported; use a machine type, a struct or Ptr<void>'); return ERROR;
      case TS.UnknownKeyword:
        this.d.error(node, '`unknown` is not supported; use a machine type, a struct or Ptr<void>'); return ERROR;
      case TS.StringKeyword:
        this.d.error(node, '`string` values are run-time JS strings, which are not supported; use cstr (bytes) or wstr (UTF-16)'); return ERROR;
      case TS.BigIntKeyword:
        this.d.error(node, '`bigint` is not supported; use u64 or i64 (exact at 64 bits)'); return ERROR;
      case TS.ObjectKeyword: case TS.TypeLiteral:
        this.d.error(node, 'object types are not supported; declare a struct: `interface Name extends Struct { ... }`'); return ERROR;
      case TS.UnionType:
        this.d.error(node, 'union types are not supported; use separate variables, or a struct with a tag field'); return ERROR;
      case TS.IntersectionType:
        this.d.error(node, 'intersection types are not supported; declare a struct'); return ERROR;
      case TS.ArrayType:
        this.d.error(node, 'JavaScript arrays are not supported; use a fixed-size Arr<T, N> or a Ptr<T>'); return ERROR;
      case TS.TupleType:
        this.d.error(node, 'tuples are not supported; use a struct'); return ERROR;
      case TS.FunctionType: return this.resolveFnType(node as ts.FunctionTypeNode, false);
      case TS.TypeReference: return this.resolveTypeRef(node as ts.TypeReferenceNode);
      default:
        this.d.error(node, `this type is not supported in the subset; use a machine type, Ptr<T>, Arr<T, N>, a struct, an enum or a function type`);
        return ERROR;
    }
  }

  private resolveFnType(node: ts.FunctionTypeNode, efiapi: boolean): FnType {
    const params = node.parameters.map((p) => {
      if (!p.type) { this.d.error(p, 'function type parameters need types'); return ERROR; }
      const t = this.resolveType(p.type);
      if (t.kind === 'struct' || t.kind === 'array') this.d.error(p.type, `${typeName(t)} cannot be passed by value; take a Ptr<${typeName(t)}>`);
      return t;
    });
    return { kind: 'fn', params, ret: this.resolveType(node.type), efiapi };
  }

  private resolveTypeRef(node: ts.TypeReferenceNode): Type {
    if (!ts.isIdentifier(node.typeName)) {
      this.d.error(node, 'qualified type names are not supported; import the type by name'); return ERROR;
    }
    const sym = this.symbolOf(node.typeName);
    const decl = sym?.declarations?.[0];
    if (!sym || !decl) { this.d.error(node, `cannot find type '${node.typeName.text}'`); return ERROR; }
    const args = node.typeArguments ?? ts.factory.createNodeArray<ts.TypeNode>();
    if (this.isLibDecl(decl)) {
      const name = sym.name;
      if (INT_TYPES[name]) return INT_TYPES[name];
      switch (name) {
        case 'bool': return BOOL;
        case 'cstr': return CSTR;
        case 'wstr': return WSTR;
        case 'Ptr': {
          if (args.length !== 1) { this.d.error(node, 'Ptr needs one type argument: Ptr<T>'); return ERROR; }
          const a = args[0];
          if (a.kind === TS.VoidKeyword) return ptrTo(VOID);
          return ptrTo(this.resolveType(a));
        }
        case 'Arr': {
          if (args.length !== 2) { this.d.error(node, 'Arr needs an element type and a length: Arr<u8, 16>'); return ERROR; }
          const elem = this.resolveType(args[0]);
          const n = args[1];
          let len = -1;
          if (ts.isLiteralTypeNode(n) && ts.isNumericLiteral(n.literal)) len = Number(this.parseIntLiteral(n.literal) ?? -1n);
          if (!(len >= 0)) { this.d.error(n, 'the length of an Arr must be an integer literal, e.g. Arr<u8, 16>'); return ERROR; }
          return { kind: 'array', elem, len };
        }
        case 'Efiapi': {
          const a = args[0];
          if (!a || !ts.isFunctionTypeNode(a)) {
            // Efiapi<SomeAlias>: resolve the alias and re-mark it.
            const t = a ? this.resolveType(a) : ERROR;
            if (t.kind === 'fn') return { ...t, efiapi: true };
            this.d.error(node, 'Efiapi takes a function type: Efiapi<(a: u64) => u64>'); return ERROR;
          }
          return this.resolveFnType(a, true);
        }
        default:
          // A struct the std library declares for every program (SpinLock).
          if (ts.isInterfaceDeclaration(decl) && decl.heritageClauses) {
            const info = this.structOf(decl);
            return info ? { kind: 'struct', info } : ERROR;
          }
          this.d.error(node, `'${name}' is not a type that subset values can have`); return ERROR;
      }
    }
    if (args.length) { this.d.error(node, 'generic types are not supported in subset sources'); }
    if (ts.isTypeAliasDeclaration(decl)) {
      if (decl.typeParameters?.length) { this.d.error(decl, 'generic type aliases are not supported'); return ERROR; }
      if (this.aliasBusy.has(decl)) { this.d.error(node, `type alias '${sym.name}' refers to itself`); return ERROR; }
      this.aliasBusy.add(decl);
      const t = this.resolveType(decl.type);
      this.aliasBusy.delete(decl);
      return t;
    }
    if (ts.isInterfaceDeclaration(decl)) {
      const info = this.structOf(decl);
      return info ? { kind: 'struct', info } : ERROR;
    }
    if (ts.isEnumDeclaration(decl)) return { kind: 'enum', info: this.enumOf(decl) };
    if (ts.isClassDeclaration(decl)) { this.d.error(node, REJECTED[TS.ClassDeclaration]!); return ERROR; }
    this.d.error(node, `'${sym.name}' is not a type`);
    return ERROR;
  }

  private structOf(decl: ts.InterfaceDeclaration): StructInfo | undefined {
    let info = this.structs.get(decl);
    if (info) {
      if (info.state === 'busy') return info; // a self-reference through Ptr is fine; by value is caught in layout
      return info;
    }
    const base = decl.heritageClauses?.[0]?.types[0];
    const baseName = base && ts.isIdentifier(base.expression) ? base.expression.text : '';
    if (baseName !== 'Struct' && baseName !== 'Packed') {
      this.d.error(decl, `interface '${decl.name.text}' must extend Struct (C layout) or Packed (no padding) to describe memory`);
      return undefined;
    }
    if (decl.typeParameters?.length) this.d.error(decl, 'generic structs are not supported');
    info = { name: decl.name.text, packed: baseName === 'Packed', fields: [], size: 0, align: 1, node: decl, state: 'busy' };
    this.structs.set(decl, info);
    let off = 0;
    let align = 1;
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.type || !m.name || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) {
        this.d.error(m, 'a struct member must be a typed field like `Revision: u32`; for functions use a function-typed field');
        continue;
      }
      if (m.questionToken) this.d.error(m, 'optional fields are not supported: every field has a place in memory');
      const t = this.resolveType(m.type);
      if (t.kind === 'struct' && t.info.state === 'busy') {
        this.d.error(m.type, `struct '${t.info.name}' contains itself by value; use Ptr<${t.info.name}>`);
        continue;
      }
      if (t.kind === 'void' || t.kind === 'never') { this.d.error(m.type, `a field cannot have type ${typeName(t)}`); continue; }
      const a = info.packed ? 1 : alignOf(t);
      off = Math.ceil(off / a) * a;
      info.fields.push({ name: m.name.text, type: t, offset: off, node: m });
      off += sizeOf(t);
      align = Math.max(align, a);
    }
    info.align = align;
    info.size = Math.ceil(off / align) * align;
    info.state = 'done';
    return info;
  }

  field(s: StructInfo, name: string): Field | undefined { return s.fields.find((f) => f.name === name); }

  private enumOf(decl: ts.EnumDeclaration): EnumInfo {
    let info = this.enums.get(decl);
    if (info) return info;
    info = { name: decl.name.text, members: new Map(), node: decl };
    this.enums.set(decl, info);
    let next = 0n;
    for (const m of decl.members) {
      const name = m.name.getText();
      let v = next;
      if (m.initializer) {
        this.fn = undefined;
        const t = this.expr(m.initializer, U32);
        const c = this.consts.get(m.initializer);
        if (c === undefined) { this.d.error(m.initializer, 'an enum member must be a compile-time integer constant'); }
        else { v = c; this.assignable(m.initializer, t, U32); }
      }
      if (v < 0n || v > 0xFFFF_FFFFn) this.d.error(m, `enum member ${name} = ${v} does not fit the enum's u32 representation`);
      info.members.set(name, v);
      next = v + 1n;
    }
    return info;
  }

  // ---- constants -------------------------------------------------------------------

  parseIntLiteral(n: ts.NumericLiteral): bigint | undefined {
    const text = n.getText().replace(/_/g, '');
    if (/^[0-9]+$/.test(text) || /^0[xX][0-9a-fA-F]+$/.test(text) || /^0[bB][01]+$/.test(text) || /^0[oO][0-7]+$/.test(text)) return BigInt(text);
    this.d.error(n, `'${n.getText()}' is not an integer literal; the subset has no floating point`);
    return undefined;
  }

  private constInfoValue(c: ConstInfo, use: ts.Node): bigint | undefined {
    if (c.state === 'done') return c.value;
    if (c.state === 'busy') { this.d.error(use, `constant '${c.name}' depends on itself`); return undefined; }
    c.state = 'busy';
    const saved = this.fn;
    this.fn = undefined;
    if (c.init) {
      const t = this.expr(c.init, c.type);
      if (c.type) this.assignable(c.init, t, c.type);
      c.value = this.consts.get(c.init);
      if (c.value === undefined && t.kind !== 'error') this.d.error(c.init, `the value of const '${c.name}' must be a compile-time constant; use \`let\` for values computed at run time`);
    }
    this.fn = saved;
    c.state = 'done';
    return c.value;
  }

  /** Gives an untyped constant expression a concrete type, checking that it fits. */
  private settle(e: ts.Expression, to: Type): void {
    const v = this.consts.get(e);
    if (v === undefined) return;
    if (to.kind === 'bool') return;
    if (!isIntegral(to) || to.kind === 'untyped') return;
    const it = asInt(to);
    // Signed types take exactly their range. Unsigned types also take negative constant
    // expressions such as `~0` or `~(PAGE_SIZE - 1)`, which wrap (they are bit masks), but
    // not a written negative literal: `let x: u64 = -1` is an error.
    const negLiteral = ts.isPrefixUnaryExpression(e) && e.operator === TS.MinusToken && ts.isNumericLiteral(e.operand);
    const lo = it.signed ? intMin(it) : negLiteral ? 0n : -(1n << BigInt(it.bits - 1));
    if (v < lo || v > intMax(it)) {
      this.d.error(e, `${v} does not fit ${typeName(to)} (${intMin(it)}..${intMax(it)}); use a wider type${it.signed ? '' : ' or an explicit conversion like ' + it.name + '(x)'}`);
      return;
    }
    this.consts.set(e, wrap(v, it));
    this.types.set(e, to);
  }

  // ---- assignability ---------------------------------------------------------------

  /** Checks that a value of type `from` (expression e) may be used where `to` is expected. */
  assignable(e: ts.Expression, from: Type, to: Type, what = 'value'): boolean {
    if (from.kind === 'error' || to.kind === 'error') return true;
    if (this.implicitly(from, to)) {
      if (from.kind === 'untyped') this.settle(e, to);
      return true;
    }
    const hint = this.conversionHint(from, to);
    this.d.error(e, `cannot use ${what === 'value' ? 'a value' : 'the ' + what} of type ${typeName(from)} as ${typeName(to)}${hint}`);
    return false;
  }

  implicitly(from: Type, to: Type): boolean {
    if (sameType(from, to)) return true;
    if (from.kind === 'never') return true;
    if (from.kind === 'untyped') return isIntegral(to) && to.kind !== 'untyped';
    if (from.kind === 'int' && to.kind === 'int') return widens(from, to);
    if (from.kind === 'enum' && to.kind === 'int') return widens(U32, to);
    if (from.kind === 'null') return to.kind === 'ptr' || to.kind === 'str' || to.kind === 'fn';
    if (from.kind === 'ptr' && to.kind === 'ptr') return to.to.kind === 'void';
    if (from.kind === 'str' && to.kind === 'ptr') return to.to.kind === 'void' || sameType(to.to, from.wide ? U16 : U8);
    if (from.kind === 'ptr' && to.kind === 'str') return sameType(from.to, to.wide ? U16 : U8);
    return false;
  }

  private conversionHint(from: Type, to: Type): string {
    if (isIntegral(from) && to.kind === 'int') return `; convert explicitly with ${to.name}(x)`;
    if (from.kind === 'int' && to.kind === 'enum') return `; convert explicitly with \`x as ${to.info.name}\``;
    if (from.kind === 'bool' && to.kind === 'int') return `; use ${to.name}(b)`;
    if (isIntegral(from) && to.kind === 'bool') return '; compare explicitly, e.g. `x != 0`';
    if (from.kind === 'ptr' && to.kind === 'ptr') return `; reinterpret with cast<${typeName(to.to)}>(p)`;
    if (from.kind === 'int' && (to.kind === 'ptr')) return `; make a pointer with ptr<${typeName(to.to)}>(address)`;
    if (from.kind === 'ptr' && to.kind === 'int') return '; take the address with addr(p)';
    return '';
  }

  /** The common type of two operands of a binary operator, or undefined after an error. */
  private unify(node: ts.Node, l: ts.Expression, lt: Type, r: ts.Expression, rt: Type, op: string): Type | undefined {
    if (lt.kind === 'error' || rt.kind === 'error') return undefined;
    const norm = (t: Type) => (t.kind === 'enum' ? U32 : t);
    if (lt.kind === 'untyped' && rt.kind === 'untyped') return UNTYPED;
    if (lt.kind === 'untyped') { const t = norm(rt); if (!isIntegral(t)) return this.badOperands(node, op, lt, rt); this.settle(l, t); return t; }
    if (rt.kind === 'untyped') { const t = norm(lt); if (!isIntegral(t)) return this.badOperands(node, op, lt, rt); this.settle(r, t); return t; }
    const a = norm(lt), b = norm(rt);
    if (a.kind !== 'int' || b.kind !== 'int') return this.badOperands(node, op, lt, rt);
    if (sameType(a, b)) return a.name === 'usize' || a.name === 'isize' ? a : (b.name === 'usize' || b.name === 'isize' ? b : a);
    if (widens(a, b)) return b;
    if (widens(b, a)) return a;
    const wide = Math.max(a.bits, b.bits) < 64 ? `, or widen both with i64(x)` : '';
    this.d.error(node, `operands of '${op}' have different types ${typeName(lt)} and ${typeName(rt)}, and neither widens losslessly to the other; convert one side, e.g. ${a.name}(y) or ${b.name}(x)${wide}`);
    return undefined;
  }

  private badOperands(node: ts.Node, op: string, lt: Type, rt: Type): undefined {
    const ptrHint = lt.kind === 'ptr' || rt.kind === 'ptr' ? '; use ptrAdd/byteAdd/ptrDiff for pointer arithmetic' : '';
    const strHint = lt.kind === 'str' || rt.kind === 'str' ? '; strings are not values at run time: print the parts separately' : '';
    const boolHint = lt.kind === 'bool' || rt.kind === 'bool' ? '; convert a bool with u32(b)' : '';
    this.d.error(node, `operator '${op}' cannot be applied to ${typeName(lt)} and ${typeName(rt)}${ptrHint}${strHint}${boolHint}`);
    return undefined;
  }

  // ---- functions and statements ----------------------------------------------------

  private checkFunction(f: FuncInfo): void {
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
    if (f.type.ret.kind !== 'void' && f.type.ret.kind !== 'error' && this.canFallThrough(f.decl.body!)) {
      this.d.error(f.decl.name!, f.type.ret.kind === 'never'
        ? `function '${f.name}' returns never but its end is reachable; end it with a loop, panic() or unreachable()`
        : `function '${f.name}' can reach its end without returning a ${typeName(f.type.ret)}`);
    }
    this.fn = undefined;
  }

  /** A conservative syntactic reachability check for the end of a block. */
  canFallThrough(s: ts.Statement): boolean {
    switch (s.kind) {
      case TS.ReturnStatement: return false;
      case TS.Block: {
        for (const x of (s as ts.Block).statements) if (!this.canFallThrough(x)) return false;
        return true;
      }
      case TS.IfStatement: {
        const i = s as ts.IfStatement;
        const c = this.consts.get(i.expression);
        if (c === 1n) return this.canFallThrough(i.thenStatement);
        if (c === 0n) return !i.elseStatement || this.canFallThrough(i.elseStatement);
        return !i.elseStatement || this.canFallThrough(i.thenStatement) || this.canFallThrough(i.elseStatement);
      }
      case TS.WhileStatement: case TS.DoStatement: case TS.ForStatement: {
        const cond = ts.isForStatement(s) ? s.condition : (s as ts.WhileStatement).expression;
        const infinite = !cond || this.consts.get(cond) === 1n;
        return !infinite || this.hasBreak((s as ts.IterationStatement).statement, 0);
      }
      case TS.ExpressionStatement: {
        const e = (s as ts.ExpressionStatement).expression;
        return this.types.get(e)?.kind !== 'never';
      }
      case TS.SwitchStatement: {
        const sw = s as ts.SwitchStatement;
        if (!sw.caseBlock.clauses.some((c) => c.kind === TS.DefaultClause)) return true;
        if (sw.caseBlock.clauses.some((c) => c.statements.some((x) => this.hasBreak(x, 0)))) return true;
        const last = sw.caseBlock.clauses[sw.caseBlock.clauses.length - 1];
        return last.statements.every((x) => this.canFallThrough(x));
      }
      case TS.LabeledStatement: return this.canFallThrough((s as ts.LabeledStatement).statement) || this.hasBreak((s as ts.LabeledStatement).statement, 0);
      default: return true;
    }
  }

  private hasBreak(s: ts.Node, depth: number): boolean {
    if (ts.isBreakStatement(s)) return depth === 0 || !!s.label;
    if (ts.isFunctionLike(s)) return false;
    const inner = ts.isIterationStatement(s, false) || ts.isSwitchStatement(s) ? depth + 1 : depth;
    return ts.forEachChild(s, (c) => this.hasBreak(c, inner) || undefined) ?? false;
  }

  private declareLocal(decl: ts.VariableDeclaration, isConst: boolean): void {
    if (!ts.isIdentifier(decl.name)) { this.d.error(decl.name, REJECTED[decl.name.kind]!); return; }
    const sym = this.tc.getSymbolAtLocation(decl.name);
    const name = decl.name.text;
    if (!sym) return;
    let type: Type | undefined = decl.type ? this.resolveType(decl.type) : undefined;
    if (decl.initializer) {
      const t = this.expr(decl.initializer, type);
      if (type) this.assignable(decl.initializer, t, type);
      else if (t.kind === 'untyped') {
        if (isConst) {
          // A local untyped constant: folded like a module-level one.
          this.entities.set(sym, { kind: 'const', name, type: undefined, init: decl.initializer, value: this.consts.get(decl.initializer), state: 'done', decl });
          return;
        }
        this.d.error(decl, `'${name}' needs a type: an integer literal alone does not say which, e.g. \`let ${name}: u32 = ...\``);
        type = ERROR;
      } else if (t.kind === 'null') { this.d.error(decl, `'${name}' needs a pointer type annotation to be initialised with null`); type = ERROR; }
      else if (t.kind === 'void' || t.kind === 'never') { this.d.error(decl.initializer, `this expression has no value to store in '${name}'`); type = ERROR; }
      else type = t;
    } else if (!type) {
      this.d.error(decl, `'${name}' needs a type annotation, e.g. \`let ${name}: u64 = 0\``);
      type = ERROR;
    } else if (isConst) {
      this.d.error(decl, `const '${name}' needs an initialiser`);
    }
    if (type.kind === 'void' || type.kind === 'never') { this.d.error(decl, `a variable cannot have type ${typeName(type)}`); type = ERROR; }
    this.entities.set(sym, { kind: 'local', name, type, decl });
  }

  stmt(s: ts.Statement): void {
    switch (s.kind) {
      case TS.Block: for (const x of (s as ts.Block).statements) this.stmt(x); return;
      case TS.EmptyStatement: return;
      case TS.VariableStatement: {
        const list = (s as ts.VariableStatement).declarationList;
        const isConst = !!(list.flags & ts.NodeFlags.Const);
        if (!isConst && !(list.flags & ts.NodeFlags.Let)) this.d.error(s, '`var` is not supported; use `let` or `const`');
        for (const decl of list.declarations) this.declareLocal(decl, isConst);
        return;
      }
      case TS.ExpressionStatement: {
        const e = (s as ts.ExpressionStatement).expression;
        const t = this.expr(e, undefined);
        if (t.kind === 'untyped' || (this.consts.has(e) && !ts.isCallExpression(e))) this.d.error(e, 'this expression has no effect');
        if (ts.isStringLiteral(e) && e.text !== 'use strict') this.d.error(e, 'this expression has no effect');
        return;
      }
      case TS.IfStatement: {
        const i = s as ts.IfStatement;
        this.cond(i.expression);
        this.stmt(i.thenStatement);
        if (i.elseStatement) this.stmt(i.elseStatement);
        return;
      }
      case TS.WhileStatement: case TS.DoStatement: {
        const w = s as ts.WhileStatement;
        this.cond(w.expression);
        this.loop(() => this.stmt(w.statement));
        return;
      }
      case TS.ForStatement: {
        const f = s as ts.ForStatement;
        if (f.initializer) {
          if (ts.isVariableDeclarationList(f.initializer)) {
            const isConst = !!(f.initializer.flags & ts.NodeFlags.Const);
            if (!isConst && !(f.initializer.flags & ts.NodeFlags.Let)) this.d.error(f.initializer, '`var` is not supported; use `let`');
            for (const decl of f.initializer.declarations) this.declareLocal(decl, isConst);
          } else this.expr(f.initializer, undefined);
        }
        if (f.condition) this.cond(f.condition);
        if (f.incrementor) this.expr(f.incrementor, undefined);
        this.loop(() => this.stmt(f.statement));
        return;
      }
      case TS.BreakStatement: case TS.ContinueStatement: {
        const b = s as ts.BreakStatement;
        if (b.label && !this.labels.includes(b.label.text)) this.d.error(b.label, `no enclosing statement is labelled '${b.label.text}'`);
        else if (!b.label && this.loopDepth === 0 && (s.kind === TS.ContinueStatement || this.switchDepth === 0)) this.d.error(s, `'${s.kind === TS.BreakStatement ? 'break' : 'continue'}' outside a loop`);
        return;
      }
      case TS.ReturnStatement: {
        const r = s as ts.ReturnStatement;
        const ret = this.fn?.type.ret ?? VOID;
        if (r.expression) {
          const t = this.expr(r.expression, ret.kind === 'void' || ret.kind === 'never' ? undefined : ret);
          if (ret.kind === 'void' || ret.kind === 'never') {
            if (t.kind !== 'void' && t.kind !== 'never') {
              if (this.fn && !this.fn.decl.type) {
                const sig = `function ${this.fn.name}(${this.fn.decl.parameters.map((p) => p.getText()).join(', ')}): ${t.kind === 'untyped' ? 'u32' : typeName(t)}`;
                this.d.error(this.fn.decl.name!, `function '${this.fn.name}' returns a value but declares no return type; add one, e.g. \`${sig}\``);
              }
              else this.d.error(r.expression, `function '${this.fn?.name}' returns ${typeName(ret)}; remove the value`);
            }
          }
          else this.assignable(r.expression, t, ret, 'return value');
        } else if (ret.kind !== 'void' && ret.kind !== 'error') {
          this.d.error(s, ret.kind === 'never' ? `function '${this.fn?.name}' returns never; it must not return` : `function '${this.fn?.name}' must return a ${typeName(ret)}`);
        }
        if (ret.kind === 'never' && r.expression) this.d.error(s, `function '${this.fn?.name}' returns never; it must not return`);
        return;
      }
      case TS.LabeledStatement: {
        const l = s as ts.LabeledStatement;
        this.labels.push(l.label.text);
        this.stmt(l.statement);
        this.labels.pop();
        return;
      }
      case TS.SwitchStatement: {
        const sw = s as ts.SwitchStatement;
        let t = this.expr(sw.expression, undefined);
        if (t.kind === 'untyped') { this.d.error(sw.expression, 'switch on a constant; give it a type'); t = ERROR; }
        if (!isIntegral(t) && t.kind !== 'error') this.d.error(sw.expression, `switch needs an integer or enum value, not ${typeName(t)}`);
        const seen = new Map<bigint, ts.Node>();
        let defaults = 0;
        for (const c of sw.caseBlock.clauses) {
          if (ts.isCaseClause(c)) {
            const ct = this.expr(c.expression, t.kind === 'error' ? undefined : t);
            if (t.kind !== 'error') this.assignable(c.expression, ct, t, 'case label');
            const v = this.consts.get(c.expression);
            if (v === undefined) this.d.error(c.expression, 'a case label must be a compile-time constant');
            else if (seen.has(v)) this.d.error(c.expression, `duplicate case value ${v}`);
            else seen.set(v, c);
          } else if (++defaults > 1) this.d.error(c, 'more than one default clause');
          this.switchDepth++;
          for (const x of c.statements) this.stmt(x);
          this.switchDepth--;
        }
        return;
      }
      case TS.FunctionDeclaration:
        this.d.error(s, 'nested functions are closures, which are not supported; move the function to module level'); return;
      case TS.InterfaceDeclaration: case TS.TypeAliasDeclaration: case TS.EnumDeclaration:
        this.d.error(s, 'declare structs, types and enums at module level'); return;
      default:
        this.d.error(s, REJECTED[s.kind] ?? `this statement is not supported in the subset (${TS[s.kind]})`);
    }
  }

  private loop(body: () => void): void {
    this.loopDepth++;
    body();
    this.loopDepth--;
  }

  private cond(e: ts.Expression): void {
    const t = this.expr(e, BOOL);
    if (t.kind !== 'bool' && t.kind !== 'error') {
      const hint = isIntegral(t) ? 'compare explicitly, e.g. `x != 0`' : t.kind === 'ptr' || t.kind === 'str' ? 'compare explicitly, e.g. `p != null`' : 'use a bool expression';
      this.d.error(e, `a condition must be a bool, not ${typeName(t)}; ${hint}`);
    }
  }

  // ---- expressions -----------------------------------------------------------------

  entityOf(id: ts.Identifier): Entity | undefined {
    const s = this.symbolOf(id);
    return s ? this.entities.get(s) : undefined;
  }

  /** Types an expression; `ctx` is the type the context expects (for literals). */
  expr(e: ts.Expression, ctx: Type | undefined): Type {
    const t = this.exprInner(e, ctx);
    if (!this.types.has(e) || this.types.get(e)!.kind === 'untyped') this.types.set(e, t);
    return this.types.get(e)!;
  }

  private setConst(e: ts.Node, v: bigint, t: Type): Type {
    this.consts.set(e, v);
    this.types.set(e, t);
    return t;
  }

  private exprInner(e: ts.Expression, ctx: Type | undefined): Type {
    switch (e.kind) {
      case TS.NumericLiteral: {
        const v = this.parseIntLiteral(e as ts.NumericLiteral);
        if (v === undefined) return ERROR;
        this.consts.set(e, v);
        this.types.set(e, UNTYPED);
        if (ctx && isIntegral(ctx) && ctx.kind !== 'untyped') { this.settle(e, ctx.kind === 'enum' ? ctx : ctx); return this.types.get(e)!; }
        return UNTYPED;
      }
      case TS.TrueKeyword: return this.setConst(e, 1n, BOOL);
      case TS.FalseKeyword: return this.setConst(e, 0n, BOOL);
      case TS.NullKeyword: return NULL;
      case TS.StringLiteral: case TS.NoSubstitutionTemplateLiteral: {
        if (ctx?.kind === 'str') return ctx;
        if (ctx?.kind === 'ptr' && sameType(ctx.to, U16)) return WSTR;
        return CSTR;
      }
      case TS.ParenthesizedExpression: {
        const inner = (e as ts.ParenthesizedExpression).expression;
        const t = this.expr(inner, ctx);
        const c = this.consts.get(inner);
        if (c !== undefined) this.consts.set(e, c);
        return t;
      }
      case TS.NonNullExpression: return this.expr((e as ts.NonNullExpression).expression, ctx);
      case TS.Identifier: return this.identifier(e as ts.Identifier, ctx);
      case TS.PropertyAccessExpression: return this.property(e as ts.PropertyAccessExpression);
      case TS.ElementAccessExpression: return this.element(e as ts.ElementAccessExpression);
      case TS.CallExpression: return this.call(e as ts.CallExpression, ctx);
      case TS.PrefixUnaryExpression: return this.prefix(e as ts.PrefixUnaryExpression, ctx);
      case TS.PostfixUnaryExpression: {
        const p = e as ts.PostfixUnaryExpression;
        return this.incdec(p.operand, p.operator === TS.PlusPlusToken ? '++' : '--');
      }
      case TS.BinaryExpression: return this.binary(e as ts.BinaryExpression, ctx);
      case TS.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        this.cond(c.condition);
        const a = this.expr(c.whenTrue, ctx);
        const b = this.expr(c.whenFalse, ctx);
        const cv = this.consts.get(c.condition);
        const av = this.consts.get(c.whenTrue), bv = this.consts.get(c.whenFalse);
        if (a.kind === 'untyped' && b.kind === 'untyped') {
          if (cv !== undefined && av !== undefined && bv !== undefined) { this.consts.set(e, cv ? av : bv); return UNTYPED; }
          this.d.error(e, 'both branches are untyped constants; give the result a type'); return ERROR;
        }
        if (a.kind === 'null' || a.kind === 'untyped') { this.assignable(c.whenTrue, a, b); return b; }
        if (b.kind === 'null' || b.kind === 'untyped') { this.assignable(c.whenFalse, b, a); return a; }
        if (isInt(a) && isInt(b)) {
          const u = this.unify(e, c.whenTrue, a, c.whenFalse, b, '?:');
          if (u && cv !== undefined) {
            const chosen = this.consts.get(cv ? c.whenTrue : c.whenFalse);
            if (chosen !== undefined) this.consts.set(e, chosen);
          }
          return u ?? ERROR;
        }
        if (!sameType(a, b) && a.kind !== 'error' && b.kind !== 'error') {
          if (this.implicitly(b, a)) return a;
          if (this.implicitly(a, b)) return b;
          this.d.error(e, `the branches of ?: have different types ${typeName(a)} and ${typeName(b)}`);
          return ERROR;
        }
        if (a.kind === 'struct' || a.kind === 'array') { this.d.error(e, 'a ?: over struct or array values is not supported; use if/else'); return ERROR; }
        if (cv !== undefined && av !== undefined && bv !== undefined) this.consts.set(e, cv ? av : bv);
        return a;
      }
      case TS.AsExpression: {
        const a = e as ts.AsExpression;
        if (a.type.kind === TS.TypeReference && ts.isIdentifier((a.type as ts.TypeReferenceNode).typeName) && ((a.type as ts.TypeReferenceNode).typeName as ts.Identifier).text === 'const') {
          this.d.error(e, '`as const` is not supported'); return ERROR;
        }
        const to = this.resolveType(a.type);
        const from = this.expr(a.expression, to.kind === 'enum' ? U32 : undefined);
        if (to.kind === 'enum' && (isIntegral(from) || from.kind === 'error')) {
          const v = this.consts.get(a.expression);
          if (v !== undefined) this.consts.set(e, v);
          return to;
        }
        if (to.kind === 'error' || from.kind === 'error') return ERROR;
        if (from.kind === 'enum' && to.kind === 'int') {
          const v = this.consts.get(a.expression);
          if (v !== undefined) this.consts.set(e, wrap(v, to));
          return to;
        }
        this.d.error(e, `\`as\` converts integers to enums only; ${isIntegral(to) ? `use ${typeName(to)}(x)` : to.kind === 'ptr' ? `use cast<${typeName(to.to)}>(p)` : 'use a conversion function'}`);
        return ERROR;
      }
      case TS.ArrayLiteralExpression: {
        const arr = e as ts.ArrayLiteralExpression;
        if (!ctx || ctx.kind !== 'array') { this.d.error(e, 'array literals only initialise Arr<T, N> variables and fields; JavaScript arrays are not supported'); return ERROR; }
        if (arr.elements.length > ctx.len) this.d.error(e, `${arr.elements.length} elements do not fit ${typeName(ctx)}`);
        for (const x of arr.elements) {
          if (x.kind === TS.SpreadElement || x.kind === TS.OmittedExpression) { this.d.error(x, 'spread and holes are not supported in array literals'); continue; }
          this.assignable(x, this.expr(x, ctx.elem), ctx.elem, 'element');
        }
        return ctx;
      }
      case TS.ObjectLiteralExpression: {
        const obj = e as ts.ObjectLiteralExpression;
        if (!ctx || ctx.kind !== 'struct') { this.d.error(e, 'object literals only initialise struct variables and fields; there are no JavaScript objects'); return ERROR; }
        for (const p of obj.properties) {
          if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) { this.d.error(p, 'only `field: value` entries are supported in struct literals'); continue; }
          const f = this.field(ctx.info, p.name.text);
          if (!f) { this.d.error(p.name, `struct ${ctx.info.name} has no field '${p.name.text}'`); continue; }
          this.assignable(p.initializer, this.expr(p.initializer, f.type), f.type, `field '${f.name}'`);
        }
        return ctx;
      }
      default:
        this.d.error(e, REJECTED[e.kind] ?? `this expression is not supported in the subset (${TS[e.kind]})`);
        return ERROR;
    }
  }

  private identifier(id: ts.Identifier, ctx: Type | undefined): Type {
    if (id.text === 'undefined') { this.d.error(id, '`undefined` is not supported; use null for pointers or 0 for integers'); return ERROR; }
    const sym = this.symbolOf(id);
    if (!sym) { this.d.error(id, `cannot find name '${id.text}'`); return ERROR; }
    const ent = this.entities.get(sym);
    if (!ent) {
      const decl = sym.declarations?.[0];
      if (decl && ts.isEnumMember(decl)) {
        // `enum E { A = 3, B = A * 2 }`: an earlier member named without qualification.
        const info = this.enumOf(decl.parent);
        const v = info.members.get(id.text);
        if (v === undefined) { this.d.error(id, `enum member '${id.text}' is used before its value is known; members may refer only to earlier ones`); return ERROR; }
        return this.setConst(id, v, { kind: 'enum', info });
      }
      if (decl && this.isLibDecl(decl)) {
        if (ts.isFunctionDeclaration(decl) && this.stdByNameLookup(sym.name)) return this.stdByNameLookup(sym.name)!.type;
        this.d.error(id, `'${id.text}' is an intrinsic: call it, it is not a value`);
        return ERROR;
      }
      this.d.error(id, `'${id.text}' cannot be used as a value here`);
      return ERROR;
    }
    switch (ent.kind) {
      case 'func': return ent.type;
      case 'global': case 'local': return ent.type;
      case 'const': {
        const v = this.constInfoValue(ent, id);
        if (v === undefined) return ent.type ?? ERROR;
        this.consts.set(id, v);
        if (ent.type) { this.types.set(id, ent.type); return ent.type; }
        this.types.set(id, UNTYPED);
        if (ctx && isIntegral(ctx) && ctx.kind !== 'untyped') { this.settle(id, ctx); return this.types.get(id)!; }
        return UNTYPED;
      }
    }
  }

  private stdByNameLookup(name: string): FuncInfo | undefined {
    return this.stdByName.get(name);
  }

  private property(e: ts.PropertyAccessExpression): Type {
    const name = e.name.text;
    // target.x86_64 and friends: compile-time booleans.
    if (ts.isIdentifier(e.expression) && e.expression.text === 'target') {
      const s = this.symbolOf(e.expression);
      if (s?.declarations?.[0] && this.isLibDecl(s.declarations[0])) {
        const t = this.target;
        const vals: Record<string, boolean> = { x86_64: t.arch === 'x86_64', aarch64: t.arch === 'aarch64', uefi: t.os === 'uefi', elf: t.os === 'elf', linux: t.os === 'linux' };
        if (!(name in vals)) { this.d.error(e.name, `unknown target constant '${name}'; use one of ${Object.keys(vals).join(', ')}`); return ERROR; }
        return this.setConst(e, vals[name] ? 1n : 0n, BOOL);
      }
    }
    // Enum members.
    const objSym = this.symbolOf(e.expression);
    const objDecl = objSym?.declarations?.[0];
    if (objDecl && ts.isEnumDeclaration(objDecl)) {
      const info = this.enumOf(objDecl);
      const v = info.members.get(name);
      if (v === undefined) { this.d.error(e.name, `enum ${info.name} has no member '${name}'`); return ERROR; }
      return this.setConst(e, v, { kind: 'enum', info });
    }
    const ot = this.expr(e.expression, undefined);
    if (ot.kind === 'error' || (ot.kind === 'ptr' && ot.to.kind === 'error')) return ERROR; // already reported
    if (ot.kind === 'array' && name === 'length') return this.setConst(e, BigInt(ot.len), USIZE);
    const s = ot.kind === 'struct' ? ot.info : ot.kind === 'ptr' && ot.to.kind === 'struct' ? ot.to.info : undefined;
    if (!s) {
      if (ot.kind === 'str' && name === 'length') { this.d.error(e, 'strings have no run-time length; use strlen(s)'); return ERROR; }
      this.d.error(e.name, `${typeName(ot)} has no field '${name}'${ot.kind === 'ptr' ? ' (only pointers to structs have fields)' : ''}`);
      return ERROR;
    }
    const f = this.field(s, name);
    if (!f) { this.d.error(e.name, `struct ${s.name} has no field '${name}'`); return ERROR; }
    return f.type;
  }

  private element(e: ts.ElementAccessExpression): Type {
    const ot = this.expr(e.expression, undefined);
    // A constant index is an i64, so `p[-1]` reads the element before p (as in C).
    const it = this.expr(e.argumentExpression, undefined);
    if (it.kind === 'untyped') this.settle(e.argumentExpression, I64);
    if (!isIntegral(it) && it.kind !== 'error') this.d.error(e.argumentExpression, `an index must be an integer, not ${typeName(it)}`);
    if (ot.kind === 'array') return ot.elem;
    if (ot.kind === 'ptr') {
      if (ot.to.kind === 'void') { this.d.error(e, 'cannot index a Ptr<void>; cast it first, e.g. cast<u8>(p)[i]'); return ERROR; }
      return ot.to;
    }
    if (ot.kind === 'str') { this.d.error(e, `cannot index a ${typeName(ot)}; cast it: cast<${ot.wide ? 'u16' : 'u8'}>(s)[i]`); return ERROR; }
    if (ot.kind !== 'error') this.d.error(e, `${typeName(ot)} cannot be indexed; index an Arr<T, N> or a Ptr<T>`);
    return ERROR;
  }

  /** Whether an expression denotes storage that can be assigned or addressed. */
  isPlace(e: ts.Expression): boolean {
    if (ts.isParenthesizedExpression(e)) return this.isPlace(e.expression);
    if (ts.isIdentifier(e)) {
      const ent = this.entityOf(e);
      return ent?.kind === 'local' || (ent?.kind === 'global');
    }
    if (ts.isPropertyAccessExpression(e)) {
      if (this.consts.has(e)) return false;
      const ot = this.types.get(e.expression);
      return ot?.kind === 'ptr' || (ot?.kind === 'struct' && this.isPlace(e.expression));
    }
    if (ts.isElementAccessExpression(e)) {
      const ot = this.types.get(e.expression);
      return ot?.kind === 'ptr' || (ot?.kind === 'array' && this.isPlace(e.expression));
    }
    return false;
  }

  private checkAssignTarget(e: ts.Expression): boolean {
    if (ts.isIdentifier(e)) {
      const ent = this.entityOf(e);
      if (ent?.kind === 'global' && ent.isConst) { this.d.error(e, `cannot assign to const '${ent.name}'`); return false; }
      if (ent?.kind === 'const') { this.d.error(e, `cannot assign to constant '${ent.name}'`); return false; }
      if (ent?.kind === 'local') {
        const list = ent.decl.parent;
        if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) { this.d.error(e, `cannot assign to const '${ent.name}'`); return false; }
      }
    }
    if (!this.isPlace(e)) {
      if (this.types.get(e)?.kind !== 'error') this.d.error(e, 'this is not a place that can be assigned: assign to a variable, a field or an element');
      return false;
    }
    return true;
  }

  private prefix(e: ts.PrefixUnaryExpression, ctx: Type | undefined): Type {
    const op = e.operator;
    if (op === TS.PlusPlusToken || op === TS.MinusMinusToken) return this.incdec(e.operand, op === TS.PlusPlusToken ? '++' : '--');
    if (op === TS.ExclamationToken) {
      const t = this.expr(e.operand, BOOL);
      if (t.kind !== 'bool' && t.kind !== 'error') { this.d.error(e, `'!' needs a bool, not ${typeName(t)}; compare explicitly, e.g. \`x == 0\``); return ERROR; }
      const c = this.consts.get(e.operand);
      if (c !== undefined) this.consts.set(e, c ? 0n : 1n);
      return BOOL;
    }
    const sym = op === TS.MinusToken ? '-' : op === TS.PlusToken ? '+' : '~';
    const t = this.expr(e.operand, undefined);
    if (t.kind === 'error') return ERROR;
    if (!isIntegral(t)) { this.d.error(e, `unary '${sym}' needs an integer, not ${typeName(t)}`); return ERROR; }
    const c = this.consts.get(e.operand);
    const rt = t.kind === 'enum' ? U32 : t;
    if (c !== undefined) {
      const v = op === TS.MinusToken ? -c : op === TS.PlusToken ? c : ~c;
      this.consts.set(e, rt.kind === 'untyped' ? v : wrap(v, rt as IntType));
    }
    // A constant stays exact until it meets its context, so `-1` in a u64 is an error while
    // `~0` in a u64 is all ones.
    if (rt.kind === 'untyped' && ctx && isIntegral(ctx) && ctx.kind !== 'untyped') { this.types.set(e, UNTYPED); this.settle(e, ctx); return this.types.get(e)!; }
    return rt;
  }

  private incdec(operand: ts.Expression, op: string): Type {
    const t = this.expr(operand, undefined);
    if (t.kind === 'error') return ERROR;
    if (t.kind !== 'int') { this.d.error(operand, `'${op}' needs an integer variable, not ${typeName(t)}${t.kind === 'ptr' ? '; use p = ptrAdd(p, 1)' : ''}`); return ERROR; }
    this.checkAssignTarget(operand);
    return t;
  }

  private static readonly ARITH: Record<number, string> = {
    [TS.PlusToken]: '+', [TS.MinusToken]: '-', [TS.AsteriskToken]: '*', [TS.SlashToken]: '/', [TS.PercentToken]: '%',
    [TS.AmpersandToken]: '&', [TS.BarToken]: '|', [TS.CaretToken]: '^',
    [TS.LessThanLessThanToken]: '<<', [TS.GreaterThanGreaterThanToken]: '>>', [TS.GreaterThanGreaterThanGreaterThanToken]: '>>>',
  };

  static readonly COMPOUND: Record<number, number> = {
    [TS.PlusEqualsToken]: TS.PlusToken, [TS.MinusEqualsToken]: TS.MinusToken, [TS.AsteriskEqualsToken]: TS.AsteriskToken,
    [TS.SlashEqualsToken]: TS.SlashToken, [TS.PercentEqualsToken]: TS.PercentToken, [TS.AmpersandEqualsToken]: TS.AmpersandToken,
    [TS.BarEqualsToken]: TS.BarToken, [TS.CaretEqualsToken]: TS.CaretToken, [TS.LessThanLessThanEqualsToken]: TS.LessThanLessThanToken,
    [TS.GreaterThanGreaterThanEqualsToken]: TS.GreaterThanGreaterThanToken, [TS.GreaterThanGreaterThanGreaterThanEqualsToken]: TS.GreaterThanGreaterThanGreaterThanToken,
  };

  static readonly COMPARE: Record<number, string> = {
    [TS.EqualsEqualsToken]: '==', [TS.EqualsEqualsEqualsToken]: '==', [TS.ExclamationEqualsToken]: '!=', [TS.ExclamationEqualsEqualsToken]: '!=',
    [TS.LessThanToken]: '<', [TS.LessThanEqualsToken]: '<=', [TS.GreaterThanToken]: '>', [TS.GreaterThanEqualsToken]: '>=',
  };

  private binary(e: ts.BinaryExpression, ctx: Type | undefined): Type {
    const op = e.operatorToken.kind;
    if (op === TS.EqualsToken) {
      const lt = this.expr(e.left, undefined);
      const rt = this.expr(e.right, lt.kind === 'error' ? undefined : lt);
      if (this.checkAssignTarget(e.left)) this.assignable(e.right, rt, lt);
      return lt;
    }
    if (op in Checker.COMPOUND) {
      const lt = this.expr(e.left, undefined);
      const rt = this.expr(e.right, lt.kind === 'int' ? lt : undefined);
      if (!this.checkAssignTarget(e.left) || lt.kind === 'error' || rt.kind === 'error') return lt;
      const bop = Checker.COMPOUND[op];
      const sym = Checker.ARITH[bop];
      if (lt.kind !== 'int') { this.d.error(e, `'${sym}=' needs an integer variable, not ${typeName(lt)}${lt.kind === 'ptr' ? '; use p = ptrAdd(p, n)' : ''}`); return ERROR; }
      if (!isIntegral(rt)) { this.badOperands(e, sym + '=', lt, rt); return lt; }
      if (bop === TS.LessThanLessThanToken || bop === TS.GreaterThanGreaterThanToken || bop === TS.GreaterThanGreaterThanGreaterThanToken) {
        if (rt.kind === 'untyped') this.settle(e.right, U32);
        return lt;
      }
      this.assignable(e.right, rt, lt);
      this.checkDivisor(bop, e.right);
      return lt;
    }
    if (op === TS.AmpersandAmpersandToken || op === TS.BarBarToken) {
      const a = this.expr(e.left, BOOL), b = this.expr(e.right, BOOL);
      const sym = op === TS.AmpersandAmpersandToken ? '&&' : '||';
      for (const [x, t] of [[e.left, a], [e.right, b]] as const) {
        if (t.kind !== 'bool' && t.kind !== 'error') this.d.error(x, `'${sym}' needs bool operands, not ${typeName(t)}; compare explicitly, e.g. \`x != 0\``);
      }
      const ca = this.consts.get(e.left), cb = this.consts.get(e.right);
      if (ca !== undefined && (op === TS.AmpersandAmpersandToken ? ca === 0n : ca === 1n)) this.consts.set(e, ca);
      else if (ca !== undefined && cb !== undefined) this.consts.set(e, cb);
      return BOOL;
    }
    if (op in Checker.COMPARE) return this.compare(e, Checker.COMPARE[op]);
    if (op in Checker.ARITH) return this.arith(e, op, Checker.ARITH[op], ctx);
    if (op === TS.CommaToken) { this.d.error(e.operatorToken, 'the comma operator is not supported; write two statements'); return ERROR; }
    if (op === TS.InKeyword) { this.d.error(e, '`in` is not supported'); return ERROR; }
    if (op === TS.InstanceOfKeyword) { this.d.error(e, '`instanceof` is not supported: there are no classes'); return ERROR; }
    if (op === TS.AsteriskAsteriskToken || op === TS.AsteriskAsteriskEqualsToken) { this.d.error(e, '`**` is not supported; multiply in a loop'); return ERROR; }
    if (op === TS.QuestionQuestionToken || op === TS.QuestionQuestionEqualsToken || op === TS.BarBarEqualsToken || op === TS.AmpersandAmpersandEqualsToken) {
      this.d.error(e, `'${ts.tokenToString(op)}' is not supported; write an explicit comparison and if`); return ERROR;
    }
    this.d.error(e.operatorToken, `operator '${ts.tokenToString(op)}' is not supported`);
    return ERROR;
  }

  private checkDivisor(op: number, r: ts.Expression): void {
    if ((op === TS.SlashToken || op === TS.PercentToken) && this.consts.get(r) === 0n) this.d.error(r, 'division by the constant zero');
  }

  private arith(e: ts.BinaryExpression, op: number, sym: string, ctx: Type | undefined): Type {
    const isShift = op === TS.LessThanLessThanToken || op === TS.GreaterThanGreaterThanToken || op === TS.GreaterThanGreaterThanGreaterThanToken;
    const hint = ctx && isIntegral(ctx) && ctx.kind !== 'untyped' ? ctx : undefined;
    // The left operand of a shift is typed by the context (`1 << n` in a u64 is a u64); for
    // every other operator a literal takes the type of the other operand, and only when
    // both are constants does the context decide (at the end).
    let lt = this.expr(e.left, isShift ? hint : undefined);
    let rt = this.expr(e.right, isShift ? undefined : (lt.kind === 'int' || lt.kind === 'enum' ? lt : undefined));
    if (!isShift && lt.kind === 'untyped' && rt.kind !== 'untyped' && rt.kind !== 'error') lt = this.expr(e.left, rt);
    if (lt.kind === 'error' || rt.kind === 'error') return ERROR;
    if (lt.kind === 'str' || rt.kind === 'str') { this.d.error(e, 'string concatenation is a run-time JS string operation, which is not supported; print the parts separately'); return ERROR; }
    let result: Type | undefined;
    if (isShift) {
      if (!isIntegral(lt) || !isIntegral(rt)) return this.badOperands(e, sym, lt, rt) ?? ERROR;
      if (rt.kind === 'untyped' && lt.kind !== 'untyped') this.settle(e.right, U32);
      if (lt.kind === 'untyped' && rt.kind !== 'untyped') {
        // `1 << n`: the shifted constant takes the context's type, or the count's.
        const t = hint ?? (rt.kind === 'enum' ? U32 : rt);
        this.settle(e.left, t); lt = t;
      }
      result = lt.kind === 'enum' ? U32 : lt;
    } else {
      result = this.unify(e, e.left, lt, e.right, rt, sym);
      if (!result) return ERROR;
    }
    this.checkDivisor(op, e.right);
    const a = this.consts.get(e.left), b = this.consts.get(e.right);
    if (a !== undefined && b !== undefined) {
      const v = this.fold(op, a, b, result);
      if (v !== undefined) this.consts.set(e, v);
    }
    if (result.kind === 'untyped' && hint) {
      this.types.set(e, UNTYPED);
      this.settle(e, hint);
      return this.types.get(e)!;
    }
    return result;
  }

  /** Folds a binary operation exactly (untyped) or with the type's wrapping semantics. */
  private fold(op: number, a: bigint, b: bigint, t: Type): bigint | undefined {
    const it = t.kind === 'int' ? t : undefined;
    const w = (v: bigint) => (it ? wrap(v, it) : v);
    const mask = it ? BigInt(it.bits - 1) : 63n;
    switch (op) {
      case TS.PlusToken: return w(a + b);
      case TS.MinusToken: return w(a - b);
      case TS.AsteriskToken: return w(a * b);
      case TS.SlashToken: return b === 0n ? undefined : w(a / b);
      case TS.PercentToken: return b === 0n ? undefined : w(a % b);
      case TS.AmpersandToken: return w(a & b);
      case TS.BarToken: return w(a | b);
      case TS.CaretToken: return w(a ^ b);
      case TS.LessThanLessThanToken: return w(a << (it ? b & mask : b));
      case TS.GreaterThanGreaterThanToken: return w(a >> (it ? b & mask : b));
      case TS.GreaterThanGreaterThanGreaterThanToken:
        if (!it) return a >= 0n ? a >> b : undefined;
        return w(BigInt.asUintN(it.bits, a) >> (b & mask));
    }
    return undefined;
  }

  private compare(e: ts.BinaryExpression, sym: string): Type {
    let lt = this.expr(e.left, undefined);
    const rt = this.expr(e.right, lt.kind === 'untyped' || lt.kind === 'null' ? undefined : lt);
    if (lt.kind === 'untyped' && rt.kind !== 'untyped') lt = this.expr(e.left, rt);
    if (lt.kind === 'error' || rt.kind === 'error') return BOOL;
    const eq = sym === '==' || sym === '!=';
    const ok = (() => {
      if (isIntegral(lt) && isIntegral(rt)) {
        if (lt.kind === 'enum' && rt.kind === 'enum' && !sameType(lt, rt)) { this.d.error(e, `cannot compare ${typeName(lt)} with ${typeName(rt)}`); return false; }
        return this.unify(e, e.left, lt, e.right, rt, sym) !== undefined;
      }
      if (lt.kind === 'bool' && rt.kind === 'bool') { if (!eq) { this.d.error(e, `'${sym}' is not defined on bool; convert with u8(b)`); return false; } return true; }
      const ptrish = (t: Type) => t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn' || t.kind === 'null';
      if (ptrish(lt) && ptrish(rt)) {
        if (lt.kind === 'null' || rt.kind === 'null') return true;
        if (this.implicitly(lt, rt) || this.implicitly(rt, lt)) return true;
        this.d.error(e, `cannot compare ${typeName(lt)} with ${typeName(rt)}; cast one side, e.g. cast<u8>(p)`);
        return false;
      }
      this.badOperands(e, sym, lt, rt);
      return false;
    })();
    if (ok) {
      const a = this.consts.get(e.left), b = this.consts.get(e.right);
      if (a !== undefined && b !== undefined) {
        const r = sym === '==' ? a === b : sym === '!=' ? a !== b : sym === '<' ? a < b : sym === '<=' ? a <= b : sym === '>' ? a > b : a >= b;
        this.consts.set(e, r ? 1n : 0n);
      }
    }
    return BOOL;
  }

  // ---- calls -----------------------------------------------------------------------

  private call(e: ts.CallExpression, ctx: Type | undefined): Type {
    const callee = e.expression;
    if (ts.isIdentifier(callee)) {
      const sym = this.symbolOf(callee);
      const decl = sym?.declarations?.[0];
      if (sym && decl && this.isLibDecl(decl) && !this.entities.has(sym)) {
        const name = sym.name;
        if (INT_TYPES[name] || name === 'bool') return this.conversion(e, name === 'bool' ? BOOL : INT_TYPES[name]);
        if (BUILTINS.has(name)) return this.builtinCall(e, name, ctx);
        const f = this.stdByName.get(name);
        if (f) return this.directCall(e, f);
        this.d.error(callee, `'${name}' is declared but has no implementation for target ${this.target.name}`);
        return ERROR;
      }
      const ent = sym && this.entities.get(sym);
      if (ent?.kind === 'func') return this.directCall(e, ent);
    }
    if (e.typeArguments?.length) this.d.error(e, 'generic calls are not supported in user code');
    if (e.questionDotToken) this.d.error(e, 'optional calls are not supported; compare with null first');
    const ft = this.expr(callee, undefined);
    if (ft.kind === 'error') { e.arguments.forEach((a) => this.expr(a, undefined)); return ERROR; }
    if (ft.kind !== 'fn') { this.d.error(callee, `${typeName(ft)} is not callable`); return ERROR; }
    this.calls.set(e, { kind: 'indirect', type: ft });
    this.args(e, ft.params, 'function pointer');
    return ft.ret;
  }

  private directCall(e: ts.CallExpression, f: FuncInfo): Type {
    if (e.typeArguments?.length) this.d.error(e, 'generic calls are not supported in user code');
    this.calls.set(e, { kind: 'direct', f });
    this.args(e, f.type.params, `'${f.name}'`);
    return f.type.ret;
  }

  private args(e: ts.CallExpression, params: Type[], what: string, optionalFrom = params.length): void {
    const n = e.arguments.length;
    if (n < optionalFrom || n > params.length) {
      this.d.error(e, `${what} takes ${optionalFrom === params.length ? params.length : `${optionalFrom} to ${params.length}`} argument${params.length === 1 ? '' : 's'}, not ${n}`);
    }
    e.arguments.forEach((a, i) => {
      const pt = params[i];
      const t = this.expr(a, pt);
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
      this.d.error(a, `${typeName(to)}(x) converts integers, enums and bools, not ${typeName(t)}${t.kind === 'ptr' || t.kind === 'str' ? '; use addr(p)' : ''}`);
      return to;
    }
    if (t.kind === 'untyped') {
      // An explicit conversion of a constant wraps it: u64(-1) is all ones.
      if (c !== undefined) { const it = to as IntType; this.consts.set(a, wrap(c, it.signed ? it : { ...it, signed: true })); this.types.set(a, (to as IntType).signed ? to : { ...(to as IntType), signed: true, name: 'i' + (to as IntType).bits } as IntType); }
    }
    if (c !== undefined) this.consts.set(e, wrap(c, to as IntType));
    return to;
  }

  private builtinCall(e: ts.CallExpression, name: string, ctx: Type | undefined): Type {
    const typeArgs = (e.typeArguments ?? []).map((t) => (t.kind === TS.VoidKeyword ? VOID : this.resolveType(t)));
    const typeArg = typeArgs[0];
    this.calls.set(e, { kind: 'builtin', name, typeArg });
    if (ATOMICS[name]) return checkAtomicCall(this, this.d, e, name, typeArg);
    const sig = builtinSignature(name, this.target);
    if (sig.arch && sig.arch !== this.target.arch) {
      // Reported at lowering only when the call is really emitted (dead target branches are fine).
    }
    if (sig.needsTypeArg && !typeArg) {
      if (name === 'asm') { /* asm defaults to void */ } else {
        this.d.error(e, `${name} needs a type argument, e.g. ${name}<u64>(...)`);
        e.arguments.forEach((a) => this.expr(a, undefined));
        return ERROR;
      }
    }
    switch (name) {
      case 'sizeof': case 'alignof': {
        if (e.arguments.length) this.d.error(e, `${name}<T>() takes no arguments`);
        if (!typeArg || typeArg.kind === 'error') return USIZE;
        return this.setConst(e, BigInt(name === 'sizeof' ? sizeOf(typeArg) : alignOf(typeArg)), USIZE);
      }
      case 'offsetof': {
        const a = e.arguments[0];
        if (!typeArg || typeArg.kind !== 'struct' || !a || !ts.isStringLiteral(a)) { this.d.error(e, 'offsetof takes a struct type and a field name: offsetof<EfiTableHeader>("CRC32")'); return USIZE; }
        const f = this.field(typeArg.info, a.text);
        if (!f) { this.d.error(a, `struct ${typeArg.info.name} has no field '${a.text}'`); return USIZE; }
        return this.setConst(e, BigInt(f.offset), USIZE);
      }
      case 'zeroed':
        if (e.arguments.length) this.d.error(e, 'zeroed<T>() takes no arguments');
        return typeArg ?? ERROR;
      case 'ptr': {
        this.args(e, [U64], 'ptr<T>(address)');
        return ptrTo(typeArg ?? ERROR);
      }
      case 'cast': {
        const a = e.arguments[0];
        if (e.arguments.length !== 1) { this.d.error(e, 'cast<T>(p) takes one pointer'); return ptrTo(typeArg ?? ERROR); }
        const t = this.expr(a, undefined);
        if (!(t.kind === 'ptr' || t.kind === 'str' || t.kind === 'null' || t.kind === 'fn' || t.kind === 'error')) {
          this.d.error(a, `cast<T>(p) reinterprets pointers, not ${typeName(t)}${isIntegral(t) ? `; make a pointer from an address with ptr<T>(x)` : ''}`);
        }
        return ptrTo(typeArg ?? ERROR);
      }
      case 'addr': {
        const a = e.arguments[0];
        if (e.arguments.length !== 1) { this.d.error(e, 'addr(p) takes one pointer'); return U64; }
        const t = this.expr(a, undefined);
        if (!(t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn' || t.kind === 'null' || t.kind === 'error')) this.d.error(a, `addr(p) takes a pointer, not ${typeName(t)}`);
        return U64;
      }
      case 'ptrAdd': case 'byteAdd': case 'ptrDiff': {
        if (e.arguments.length !== 2) { this.d.error(e, `${name} takes two arguments`); return ERROR; }
        const pt = this.expr(e.arguments[0], undefined);
        if (pt.kind !== 'ptr' && pt.kind !== 'error') { this.d.error(e.arguments[0], `${name} needs a Ptr<T>, not ${typeName(pt)}`); return ERROR; }
        if (name === 'ptrDiff') {
          const qt = this.expr(e.arguments[1], pt);
          this.assignable(e.arguments[1], qt, pt);
          return ISIZE;
        }
        const nt = this.expr(e.arguments[1], I64);
        if (nt.kind === 'untyped') this.settle(e.arguments[1], I64);
        else if (!isIntegral(nt) && nt.kind !== 'error') this.d.error(e.arguments[1], `${name} needs an integer count, not ${typeName(nt)}`);
        if (name === 'ptrAdd' && pt.kind === 'ptr' && pt.to.kind === 'void') this.d.error(e, 'ptrAdd on Ptr<void> has no element size; use byteAdd');
        return pt;
      }
      case 'addressOf': {
        const a = e.arguments[0];
        if (e.arguments.length !== 1) { this.d.error(e, 'addressOf(place) takes one argument'); return ERROR; }
        const t = this.expr(a, undefined);
        if (t.kind === 'error') return ERROR;
        if (ts.isIdentifier(a) && this.entityOf(a)?.kind === 'func') return ptrTo(t);
        if (!this.isPlace(a)) { this.d.error(a, 'addressOf needs a variable, field or element; constants and temporaries have no address'); return ERROR; }
        return ptrTo(t);
      }
      case 'load': case 'loadVolatile': {
        this.args(e, [U64], `${name}<T>(address)`);
        if (typeArg && !this.isScalarOrErr(typeArg)) this.d.error(e, `${name} reads scalars (integers, bool, pointers); read a struct through a Ptr<T>`);
        return typeArg ?? ERROR;
      }
      case 'store': case 'storeVolatile': {
        if (!typeArg) return VOID;
        if (!this.isScalarOrErr(typeArg)) this.d.error(e, `${name} writes scalars (integers, bool, pointers); write a struct through a Ptr<T>`);
        this.args(e, [U64, typeArg], `${name}<T>(address, value)`);
        return VOID;
      }
      case 'asm': {
        const [tmpl, cons, ...ops] = e.arguments;
        if (!tmpl || !cons || !ts.isStringLiteralLike(tmpl) || !ts.isStringLiteralLike(cons)) {
          this.d.error(e, 'asm takes a template and a constraint string, both string literals: asm<u64>("mov %cr3, $0", "=r")');
        }
        for (const o of ops) {
          const t = this.expr(o, undefined);
          if (t.kind === 'untyped') this.d.error(o, 'give an asm operand a type, e.g. u64(1)');
          else if (!this.isScalarOrErr(t)) this.d.error(o, `asm operands are scalars, not ${typeName(t)}`);
        }
        const rt = typeArg ?? VOID;
        if (rt.kind !== 'void' && !this.isScalarOrErr(rt)) this.d.error(e, `asm returns a scalar or void, not ${typeName(rt)}`);
        return rt;
      }
      case 'mrs': case 'msr': {
        const r = e.arguments[0];
        if (!r || !ts.isStringLiteral(r) || !/^[A-Za-z0-9_]+$/.test(r.text)) { this.d.error(e, `${name} takes a system register name as a string literal, e.g. ${name}("SCTLR_EL1"${name === 'msr' ? ', v' : ''})`); return name === 'mrs' ? U64 : VOID; }
        if (name === 'msr') {
          if (e.arguments.length !== 2) { this.d.error(e, 'msr takes a register name and a value'); return VOID; }
          this.assignable(e.arguments[1], this.expr(e.arguments[1], U64), U64, 'argument');
          return VOID;
        }
        if (e.arguments.length !== 1) this.d.error(e, 'mrs takes a register name');
        return U64;
      }
      case 'panic': {
        this.args(e, [CSTR], 'panic(msg)');
        return NEVER;
      }
      case 'assert': {
        this.args(e, [BOOL, CSTR], 'assert(cond, msg?)', 1);
        return VOID;
      }
      default: {
        this.args(e, sig.params, `${name}`);
        return sig.ret;
      }
    }
  }

  private isScalarOrErr(t: Type): boolean {
    return t.kind === 'int' || t.kind === 'bool' || t.kind === 'enum' || t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn' || t.kind === 'error';
  }
}
