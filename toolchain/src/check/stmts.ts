// Statements: local declarations, control flow (if, loops, switch, labels, break and
// continue), and return values against the function's result type.
import * as ts from 'typescript';
import { Type, VOID, ERROR, isIntegral, isAggregate, typeName } from './types';
import { REJECTED, declarationKeyword } from './rejected';
import { SliceChecker } from './slices';
import { updateParts } from './for-update';

const TS = ts.SyntaxKind;

/** An initialiser that copies existing storage (a variable, field, element or p[0]). */
function isCopyOfPlace(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e);
}

export abstract class StmtChecker extends SliceChecker {
  private loopDepth = 0;
  private switchDepth = 0;
  private labels: string[] = [];
  /** The names declared in each enclosing block of the function being checked. */
  protected scopes: Set<string>[] = [];
  /** Struct and array locals initialised with a copy of other storage (functions.ts warns). */
  protected copies: Array<{ sym: ts.Symbol; decl: ts.VariableDeclaration }> = [];

  /** `for…of` (iteration.ts). */
  protected abstract forOf(s: ts.ForOfStatement): void;

  stmt(s: ts.Statement): void {
    switch (s.kind) {
      case TS.Block: this.scoped(() => { for (const x of (s as ts.Block).statements) this.stmt(x); }); return;
      case TS.EmptyStatement: return;
      case TS.VariableStatement: this.declarationList((s as ts.VariableStatement).declarationList, s); return;
      case TS.ExpressionStatement: {
        const e = (s as ts.ExpressionStatement).expression;
        const t = this.expr(e, undefined);
        if (t.kind === 'untyped' || (this.consts.has(e) && !ts.isCallExpression(e))) {
          this.d.error(e, 'this expression has no effect');
        }
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
      case TS.ForStatement: return this.forStmt(s as ts.ForStatement);
      case TS.ForOfStatement: return this.forOf(s as ts.ForOfStatement);
      case TS.BreakStatement: case TS.ContinueStatement: return this.jump(s as ts.BreakOrContinueStatement);
      case TS.ReturnStatement: return this.returnStmt(s as ts.ReturnStatement);
      case TS.LabeledStatement: {
        const l = s as ts.LabeledStatement;
        this.labels.push(l.label.text);
        this.stmt(l.statement);
        this.labels.pop();
        return;
      }
      case TS.SwitchStatement: return this.switchStmt(s as ts.SwitchStatement);
      case TS.FunctionDeclaration: return; // a function of its own (nested.ts)
      case TS.InterfaceDeclaration: case TS.TypeAliasDeclaration: case TS.EnumDeclaration: case TS.ClassDeclaration:
        this.d.error(s, 'declare structs, classes, types and enums at module level');
        return;
      default:
        this.d.error(s, REJECTED[s.kind] ?? `this statement is not supported in the subset (${TS[s.kind]})`);
    }
  }

  private declarationList(list: ts.VariableDeclarationList, at: ts.Node): void {
    const isConst = !!(list.flags & ts.NodeFlags.Const);
    const bad = declarationKeyword(list.flags, ts.isVariableStatement(at));
    if (bad) this.d.error(at, bad);
    for (const decl of list.declarations) this.declareLocal(decl, isConst);
  }

  /** `const { a, b } = v`, `let [x, y] = v` (locals.ts). */
  protected abstract declarePattern(decl: ts.VariableDeclaration, pattern: ts.BindingPattern): void;
  /** The type of `let i = 0` from the uses of i (locals.ts). */
  protected abstract inferLocal(decl: ts.VariableDeclaration & { name: ts.Identifier }, sym: ts.Symbol): Type;

  protected declareLocal(decl: ts.VariableDeclaration, isConst: boolean): void {
    if (!ts.isIdentifier(decl.name)) { this.declarePattern(decl, decl.name); return; }
    const sym = this.tc.getSymbolAtLocation(decl.name);
    const name = decl.name.text;
    if (!sym || !this.declare(this.scopes[this.scopes.length - 1], decl.name)) return;
    let type: Type | undefined = decl.type ? this.resolveType(decl.type) : undefined;
    if (decl.initializer) {
      const t = this.expr(decl.initializer, type);
      if (type) this.assignable(decl.initializer, t, type);
      else if (t.kind === 'untyped') {
        if (isConst) {
          // A local untyped constant: folded like a module-level one.
          const value = this.consts.get(decl.initializer);
          const init = decl.initializer;
          this.entities.set(sym, { kind: 'const', name, type: undefined, init, value, state: 'done', decl });
          return;
        }
        type = this.inferLocal(decl as ts.VariableDeclaration & { name: ts.Identifier }, sym);
      } else if (t.kind === 'null') {
        this.d.error(decl, `'${name}' needs a pointer type annotation to be initialised with null`);
        type = ERROR;
      } else if (t.kind === 'void' || t.kind === 'never') {
        this.d.error(decl.initializer, `this expression has no value to store in '${name}'`);
        type = ERROR;
      } else type = t;
    } else if (!type) {
      this.d.error(decl, `'${name}' needs a type annotation, e.g. \`let ${name}: u64 = 0\``);
      type = ERROR;
    } else if (isConst) {
      this.d.error(decl, `const '${name}' needs an initialiser`);
    }
    if (type.kind === 'void' || type.kind === 'never') {
      this.d.error(decl, `a variable cannot have type ${typeName(type)}`);
      type = ERROR;
    }
    this.entities.set(sym, { kind: 'local', name, type, decl });
    if (isAggregate(type) && decl.initializer && isCopyOfPlace(decl.initializer)) this.copies.push({ sym, decl });
  }

  private forStmt(f: ts.ForStatement): void {
    this.scoped(() => {
      if (f.initializer) {
        if (ts.isVariableDeclarationList(f.initializer)) this.declarationList(f.initializer, f.initializer);
        else this.expr(f.initializer, undefined);
      }
      if (f.condition) this.cond(f.condition);
      if (f.incrementor) for (const x of updateParts(f.incrementor)) this.expr(x, undefined);
      this.loop(() => this.stmt(f.statement));
    });
  }

  protected recover(): void {
    super.recover();
    this.loopDepth = 0;
    this.switchDepth = 0;
    this.labels = [];
  }

  /** Checks `body` in a block scope of its own. */
  protected scoped(body: () => void): void {
    this.scopes.push(new Set());
    body();
    this.scopes.pop();
  }

  private jump(s: ts.BreakOrContinueStatement): void {
    const isBreak = s.kind === TS.BreakStatement;
    if (s.label && !this.labels.includes(s.label.text)) {
      this.d.error(s.label, `no enclosing statement is labelled '${s.label.text}'`);
    } else if (!s.label && this.loopDepth === 0 && (!isBreak || this.switchDepth === 0)) {
      this.d.error(s, `'${isBreak ? 'break' : 'continue'}' outside a loop`);
    }
  }

  private returnStmt(r: ts.ReturnStatement): void {
    const fn = this.fn;
    const ret = fn?.type.ret ?? VOID;
    const noValue = ret.kind === 'void' || ret.kind === 'never';
    if (r.expression) {
      const t = this.expr(r.expression, noValue ? undefined : ret);
      if (!noValue) this.assignable(r.expression, t, ret, 'return value');
      else if (t.kind !== 'void' && t.kind !== 'never') {
        if (fn && !fn.decl.type) {
          const params = fn.decl.parameters.map((p) => p.getText()).join(', ');
          const sig = `function ${fn.name}(${params}): ${t.kind === 'untyped' ? 'u32' : typeName(t)}`;
          this.d.error(fn.decl.name ?? fn.decl,
            `function '${fn.name}' returns a value but declares no return type; add one, e.g. \`${sig}\``);
        } else this.d.error(r.expression, `function '${fn?.name}' returns ${typeName(ret)}; remove the value`);
      }
    } else if (ret.kind !== 'void' && ret.kind !== 'error') {
      this.d.error(r, ret.kind === 'never'
        ? `function '${fn?.name}' returns never; it must not return`
        : `function '${fn?.name}' must return a ${typeName(ret)}`);
    }
    if (ret.kind === 'never' && r.expression) {
      this.d.error(r, `function '${fn?.name}' returns never; it must not return`);
    }
  }

  private switchStmt(sw: ts.SwitchStatement): void {
    let t = this.expr(sw.expression, undefined);
    if (t.kind === 'untyped') { this.d.error(sw.expression, 'switch on a constant; give it a type'); t = ERROR; }
    if (!isIntegral(t) && t.kind !== 'error') {
      this.d.error(sw.expression, `switch needs an integer or enum value, not ${typeName(t)}`);
    }
    const seen = new Map<bigint, ts.Node>();
    let defaults = 0;
    this.scopes.push(new Set()); // the case block is one scope, as in C
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
    this.scopes.pop();
    if (t.kind === 'enum' && defaults === 0 && [...t.info.members.values()].every((v) => seen.has(v))) {
      this.allMembers.add(sw);
    }
  }

  protected loop(body: () => void): void {
    this.loopDepth++;
    body();
    this.loopDepth--;
  }
}
