// What every part of the checker shares: the program and its symbols, and the maps the
// checker fills for the lowering stage (the type and constant value of every expression,
// what every call calls, what every name denotes).
//
// The checker is one class built in layers, one file per concern, each extending the one
// before it (as @babel/parser does): state → constants → conversions → types → generics →
// expressions → operators → calls → format → builtin calls → slices → statements → locals
// → nullish → nested → iteration → functions → class members → classes → declarations →
// checker.ts. A layer calls those below it directly; the few calls that go up (an enum
// initialiser is an expression, a constant's initialiser must be assignable) are the
// abstract methods here, and the hooks that a shared switch calls into a later layer
// (`nullish`, `lambda`, `declarePattern`, `forOf`, `thisExpr`, ...) are abstract where it is.
import * as ts from 'typescript';
import * as path from 'path';
import { Diagnostics, isStackOverflow } from '../diagnostics';
import { Target } from '../targets';
import { ParsedProgram, LIB_DIR } from '../parse/program';
import { Type, FnType, StructInfo, EnumInfo, Field } from './types';
import { CallKind, Entity, FuncInfo, GlobalInfo, ClassInfo, ConstInfo, AccessorUse } from './entities';
import { deepest, tooDeepMessage } from './nesting';
import { FmtPart } from './fmt-plan';

export type { CallKind } from './entities';

/** Expression kinds in which a name means what it means at the expression's start. */
const EXPRESSION_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.BinaryExpression, ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.PrefixUnaryExpression,
  ts.SyntaxKind.PostfixUnaryExpression, ts.SyntaxKind.ConditionalExpression, ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.ElementAccessExpression, ts.SyntaxKind.PropertyAccessExpression, ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.ArrayLiteralExpression,
]);

function isExpressionKind(n: ts.Node): boolean { return EXPRESSION_KINDS.has(n.kind); }

/**
 * Statement kinds that declare no name and open no scope, whose `expression` is a value
 * (not a label): a name in them means what it means in the block around them.
 */
const PLAIN_STATEMENT_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.ExpressionStatement, ts.SyntaxKind.ReturnStatement, ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.WhileStatement, ts.SyntaxKind.DoStatement, ts.SyntaxKind.SwitchStatement, ts.SyntaxKind.CaseClause,
  ts.SyntaxKind.ThrowStatement,
]);

/** Whether a name inside `n` (as a value) means what it means in n's parent. */
function opensNoScope(n: ts.Node): boolean { return EXPRESSION_KINDS.has(n.kind) || PLAIN_STATEMENT_KINDS.has(n.kind); }

export abstract class CheckerState {
  // Not readonly: while a generic instance is checked or lowered, these are the instance's
  // own maps over the program's (generics.ts).
  entities = new Map<ts.Symbol, Entity>();
  types = new Map<ts.Node, Type>();
  consts = new Map<ts.Node, bigint>();
  calls = new Map<ts.CallExpression, CallKind>();
  /** The plan of every template literal, for the lowering (format.ts); per instance too. */
  formats = new Map<ts.Node, FmtPart[]>();
  /** Class member uses (check/class-members.ts): accessors, static members, `new` expressions; per instance too. */
  accessors = new Map<ts.Node, AccessorUse>();
  staticRefs = new Map<ts.Node, FuncInfo | GlobalInfo | ConstInfo>();
  news = new Map<ts.NewExpression, ClassInfo>();
  readonly classes = new Map<StructInfo, ClassInfo>();
  /** The bytes of each `embed("file")` call (embed.ts). */
  readonly embedded = new Map<ts.CallExpression, Uint8Array>();
  /**
   * Switches over an enum that list every member, have no default and end a function with
   * a result (as tsc allows): a value that is no member (made with `as`) panics there. Per
   * instance, as whether a switch is relied on depends on the instance's constants.
   */
  exhaustive = new Set<ts.SwitchStatement>();
  /** Every switch over an enum that lists every member and has no default (per instance). */
  protected allMembers = new Set<ts.SwitchStatement>();
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
  /** The class whose `this` the code being checked sees (a method, or a field initialiser). */
  protected selfClass: ClassInfo | undefined;
  protected readonly userFiles: ts.SourceFile[];
  private readonly libFiles = new Map<ts.SourceFile, boolean>();

  constructor(protected readonly p: ParsedProgram, readonly target: Target, protected readonly d: Diagnostics) {
    this.tc = p.checker;
    const libDir = path.resolve(LIB_DIR);
    this.userFiles = p.program.getSourceFiles()
      .filter((sf) => !sf.isDeclarationFile || path.resolve(path.dirname(sf.fileName)) !== libDir)
      // Subset sources of installed packages (tsboot/protocol, ...) are user files like any
      // other; declaration files under node_modules are not subset code.
      .filter((sf) => !(sf.isDeclarationFile && sf.fileName.includes('/node_modules/')));
  }

  /** Types an expression; `ctx` is the type the context expects (for literals). */
  abstract expr(e: ts.Expression, ctx: Type | undefined): Type;
  /** Checks that a value of type `from` (expression e) may be used where `to` is expected. */
  abstract assignable(e: ts.Expression, from: Type, to: Type, what?: string): boolean;
  /** Whether an expression denotes storage that can be assigned or addressed. */
  abstract isPlace(e: ts.Expression): boolean;

  symbolOf(node: ts.Node): ts.Symbol | undefined {
    // tsc resolves a name by walking up every enclosing node, which is quadratic in a long
    // expression (a sum of 100,000 terms) and costly even in short ones. A name used as a
    // value means the same everywhere in the nearest node that can declare names (a block,
    // a function, a `for`, a declaration, ...): expressions and plain statements open no
    // scope (the subset has no closures; arrow functions are functions), so one lookup per
    // name and such node suffices.
    if (ts.isIdentifier(node) && ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node) {
      return this.tc.getShorthandAssignmentValueSymbol(node.parent); // `{ base }` means `{ base: base }`
    }
    const scope = ts.isIdentifier(node) ? this.valueScope(node) : undefined;
    let names = scope && this.names.get(scope);
    const name = (node as ts.Identifier).text;
    if (names?.has(name)) return names.get(name);
    let s = this.tc.getSymbolAtLocation(node);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.tc.getAliasedSymbol(s);
    if (scope) {
      if (!names) this.names.set(scope, names = new Map());
      names.set(name, s);
    }
    return s;
  }

  /** Looked-up names per scope (see symbolOf). */
  private readonly names = new Map<ts.Node, Map<string, ts.Symbol | undefined>>();
  /** The outermost node around a node that opens no scope (see ancestor). */
  private readonly outermost = new Map<ts.Node, ts.Node>();

  /**
   * The node whose scope an identifier used as a value is resolved in (see symbolOf), or
   * undefined when it is not used as a value (a declaration's name, a field name after `.`,
   * a label, a type).
   */
  private valueScope(id: ts.Identifier): ts.Node | undefined {
    const p = id.parent;
    const value = isExpressionKind(p) ? !(ts.isPropertyAccessExpression(p) && p.name === id)
      : PLAIN_STATEMENT_KINDS.has(p.kind) && (p as ts.Node & { expression?: ts.Node }).expression === id;
    if (!value) return undefined;
    return this.ancestor(p, this.outermost, (n) => !opensNoScope(n.parent)).parent;
  }

  /** The source file of a node, found without walking a deep expression every time. */
  protected sourceFileOf(node: ts.Node): ts.SourceFile {
    return this.ancestor(node, this.files, (n) => ts.isSourceFile(n)) as ts.SourceFile;
  }

  private readonly files = new Map<ts.Node, ts.Node>();

  /**
   * The first ancestor of `node` (itself included) for which `stop` holds, remembered for
   * every node on the way, so that the nodes of a deep expression are walked once in all.
   */
  private ancestor(node: ts.Node, memo: Map<ts.Node, ts.Node>, stop: (n: ts.Node) => boolean): ts.Node {
    const path: ts.Node[] = [];
    let n = node;
    let found = memo.get(n);
    while (!found) {
      if (stop(n)) { found = n; break; }
      path.push(n);
      n = n.parent;
      found = memo.get(n);
    }
    for (const x of path) memo.set(x, found);
    return found;
  }

  protected declSymbol(decl: ts.Declaration & { name?: ts.Node }): ts.Symbol | undefined {
    return decl.name ? this.tc.getSymbolAtLocation(decl.name) : undefined;
  }

  /** The symbol `ns.x` names when ns is a namespace import (`import * as ns from "./m"`). */
  namespaceMember(e: ts.PropertyAccessExpression): ts.Symbol | undefined {
    const base = ts.isIdentifier(e.expression) ? this.symbolOf(e.expression) : undefined;
    if (!base || !(base.flags & ts.SymbolFlags.ValueModule)) return undefined;
    let s = this.tc.getSymbolAtLocation(e.name);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.tc.getAliasedSymbol(s);
    return s;
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
      if (m.kind === ts.SyntaxKind.DefaultKeyword) {
        this.d.error(m, '`export default` is not supported; use a named export');
      }
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

  /**
   * Runs one unit of checking (a function body, an initialiser). If it exhausts the stack
   * (an expression nested deeper than even the iterative pass copes with), that is a
   * diagnostic at the deepest point of `node`, and checking goes on with the next unit.
   */
  protected guarded(node: ts.Node, check: () => void): void {
    try {
      check();
    } catch (e) {
      if (!isStackOverflow(e)) throw e;
      const d = deepest(node);
      this.d.error(d.node, tooDeepMessage(d.depth));
      this.recover();
    }
  }

  /** Resets the walk's state after a unit of checking was abandoned. */
  protected abstract recover(): void;

  field(s: StructInfo, name: string): Field | undefined { return s.fields.find((f) => f.name === name); }

  protected setConst(e: ts.Node, v: bigint, t: Type): Type {
    this.consts.set(e, v);
    this.types.set(e, t);
    return t;
  }
}
