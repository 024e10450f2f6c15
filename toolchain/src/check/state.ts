// What every part of the checker shares: the program and its symbols, and the maps the
// checker fills for the lowering stage (the type and constant value of every expression,
// what every call calls, what every name denotes).
//
// The checker is one class built in layers, one file per concern, each extending the one
// before it (as @babel/parser does): state → constants → conversions → types → expressions
// → operators → calls → builtin calls → statements → declarations → checker.ts. A layer
// calls those below it directly; the few calls that go up (an enum initialiser is an
// expression, a constant's initialiser must be assignable) are the abstract methods here.
import * as ts from 'typescript';
import * as path from 'path';
import { Diagnostics } from '../diagnostics';
import { Target } from '../targets';
import { ParsedProgram, LIB_DIR } from '../parse/program';
import { Type, FnType, StructInfo, EnumInfo, Field } from './types';
import { Entity, FuncInfo, GlobalInfo } from './entities';

export type CallKind =
  | { kind: 'direct'; f: FuncInfo }
  | { kind: 'indirect'; type: FnType }
  | { kind: 'builtin'; name: string; typeArg?: Type }
  | { kind: 'convert'; to: Type };

export abstract class CheckerState {
  readonly entities = new Map<ts.Symbol, Entity>();
  readonly types = new Map<ts.Node, Type>();
  readonly consts = new Map<ts.Node, bigint>();
  readonly calls = new Map<ts.CallExpression, CallKind>();
  /**
   * Switches over an enum that list every member, have no default and end a function with
   * a result (as tsc allows): a value that is no member (made with `as`) panics there.
   */
  readonly exhaustive = new Set<ts.SwitchStatement>();
  /** Every switch over an enum that lists every member and has no default. */
  protected readonly allMembers = new Set<ts.SwitchStatement>();
  readonly funcs: FuncInfo[] = [];
  readonly globals: GlobalInfo[] = [];
  /** Std implementations of the globals declared in toolchain/lib/std.d.ts. */
  readonly stdByName = new Map<string, FuncInfo>();
  entryMain: FuncInfo | undefined;

  protected readonly structs = new Map<ts.Node, StructInfo>();
  protected readonly enums = new Map<ts.Node, EnumInfo>();
  protected readonly tc: ts.TypeChecker;
  /** The function whose body is being checked. */
  protected fn: FuncInfo | undefined;
  protected readonly userFiles: ts.SourceFile[];
  private readonly libFiles = new Map<ts.SourceFile, boolean>();

  constructor(protected readonly p: ParsedProgram, readonly target: Target, protected readonly d: Diagnostics) {
    this.tc = p.checker;
    const libDir = path.resolve(LIB_DIR);
    this.userFiles = p.program.getSourceFiles()
      .filter((sf) => !sf.isDeclarationFile || path.resolve(path.dirname(sf.fileName)) !== libDir)
      .filter((sf) => !sf.fileName.includes('/node_modules/'));
  }

  /** Types an expression; `ctx` is the type the context expects (for literals). */
  abstract expr(e: ts.Expression, ctx: Type | undefined): Type;
  /** Checks that a value of type `from` (expression e) may be used where `to` is expected. */
  abstract assignable(e: ts.Expression, from: Type, to: Type, what?: string): boolean;

  symbolOf(node: ts.Node): ts.Symbol | undefined {
    let s = this.tc.getSymbolAtLocation(node);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.tc.getAliasedSymbol(s);
    return s;
  }

  protected declSymbol(decl: ts.Declaration & { name?: ts.Node }): ts.Symbol | undefined {
    return decl.name ? this.tc.getSymbolAtLocation(decl.name) : undefined;
  }

  entityOf(id: ts.Identifier): Entity | undefined {
    const s = this.symbolOf(id);
    return s ? this.entities.get(s) : undefined;
  }

  /** Whether a declaration comes from the ambient declarations in toolchain/lib. */
  protected isLibDecl(decl: ts.Node): boolean {
    const sf = decl.getSourceFile();
    let r = this.libFiles.get(sf);
    if (r === undefined) {
      r = path.resolve(path.dirname(sf.fileName)) === path.resolve(LIB_DIR);
      this.libFiles.set(sf, r);
    }
    return r;
  }

  /** Rejects modifiers and decorators that have no meaning on this declaration. */
  protected modifiers(decl: ts.Node, allowed: readonly ts.SyntaxKind[], what: string): void {
    const mods = ts.canHaveModifiers(decl) ? ts.getModifiers(decl) ?? [] : [];
    for (const m of mods) {
      if (allowed.includes(m.kind)) continue;
      if (m.kind === ts.SyntaxKind.DefaultKeyword) this.d.error(m, '`export default` is not supported; use a named export');
      else if (m.kind === ts.SyntaxKind.AsyncKeyword) this.d.error(m, 'async functions are not supported');
      else this.d.error(m, `\`${m.getText()}\` is not supported on ${what}`);
    }
    const decorators = ts.canHaveDecorators(decl) ? ts.getDecorators(decl) ?? [] : [];
    for (const dec of decorators) this.d.error(dec, 'decorators are not supported');
  }

  /**
   * Records a name in a scope; a second declaration of it there is an error (tsc reports
   * those only in its full type check, which the compiler does not run).
   */
  protected declare(scope: Set<string>, name: ts.Node): boolean {
    const text = name.getText();
    if (!scope.has(text)) { scope.add(text); return true; }
    this.d.error(name, `'${text}' is declared twice in the same scope; give the second one another name`);
    return false;
  }

  field(s: StructInfo, name: string): Field | undefined { return s.fields.find((f) => f.name === name); }

  protected setConst(e: ts.Node, v: bigint, t: Type): Type {
    this.consts.set(e, v);
    this.types.set(e, t);
    return t;
  }
}
