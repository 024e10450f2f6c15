// Statements: blocks (stopping after a terminator), locals, if, loops, switch with C
// fall-through, labels, break, continue and return. Constant conditions keep one branch.
import * as ts from 'typescript';
import { irType, irMemType, alignOf, typeName, isAggregate } from '../check/types';
import { ClassLowerer } from './classes';
import { isEfiBool } from './abi';
import { updateParts } from '../check/for-update';

const TS = ts.SyntaxKind;

export abstract class StmtLowerer extends ClassLowerer {
  private pendingLabel: string | undefined;

  /** `for…of` (iteration.ts). */
  protected abstract forOf(s: ts.ForOfStatement): void;

  stmt(s: ts.Statement): void {
    this.at(s);
    switch (s.kind) {
      case TS.Block: this.stmtList((s as ts.Block).statements); return;
      case TS.EmptyStatement: return;
      case TS.VariableStatement:
        for (const d of (s as ts.VariableStatement).declarationList.declarations) this.local(d);
        return;
      case TS.ExpressionStatement: this.effect((s as ts.ExpressionStatement).expression); return;
      case TS.IfStatement: return this.ifStmt(s as ts.IfStatement);
      case TS.WhileStatement: return this.whileStmt(s as ts.WhileStatement);
      case TS.DoStatement: return this.doStmt(s as ts.DoStatement);
      case TS.ForStatement: return this.forStmt(s as ts.ForStatement);
      case TS.ForOfStatement: return this.forOf(s as ts.ForOfStatement);
      case TS.BreakStatement: case TS.ContinueStatement: {
        const b = s as ts.BreakStatement;
        const isBreak = s.kind === TS.BreakStatement;
        const inner = this.loops.slice().reverse();
        const t = b.label ? inner.find((l) => l.label === b.label!.text) : inner.find((l) => isBreak || l.cont);
        if (t) this.b.br(isBreak ? t.brk : t.cont!);
        return;
      }
      case TS.ReturnStatement: return this.returnValue((s as ts.ReturnStatement).expression);
      case TS.LabeledStatement: {
        const l = s as ts.LabeledStatement;
        const inner = l.statement;
        if (ts.isIterationStatement(inner, false)) { this.pendingLabel = l.label.text; this.stmt(inner); return; }
        const end = this.b.label('label.end');
        this.loops.push({ brk: end, label: l.label.text });
        this.stmt(inner);
        this.loops.pop();
        this.b.startBlock(end);
        return;
      }
      case TS.SwitchStatement: return this.switchStmt(s as ts.SwitchStatement);
      default: return; // the checker reported it
    }
  }

  /** `return e` (also an arrow function's expression body). */
  protected returnValue(e: ts.Expression | undefined): void {
    const rt = this.fn.type.ret;
    if (e && isAggregate(rt)) {
      // The result is built in the caller's storage (abi.ts).
      this.assignTo({ addr: '%ret', type: rt }, e);
      this.b.ret('void');
    } else if (e && isEfiBool(rt, this.fn.type)) {
      this.b.ret('i8', this.b.cast('zext', 'i1', this.value(e, rt), 'i8')); // a BOOLEAN (abi.ts)
    } else if (e && rt.kind !== 'void' && rt.kind !== 'never') {
      this.b.ret(irType(rt), this.value(e, rt));
    } else {
      if (e) this.effect(e);
      if (rt.kind === 'never') this.b.unreachable(); else this.b.ret('void');
    }
  }

  /**
   * Statements after a return, break or call of a `never` function in the same list are
   * unreachable (nothing can jump into the middle of a block), so they are not emitted;
   * that also keeps another architecture's code after `if (target.x86_64) exitX86()` out.
   */
  private stmtList(list: readonly ts.Statement[]): void {
    for (const x of list) {
      if (this.b.terminated) return;
      this.stmt(x);
    }
  }

  /** A destructuring declaration (locals.ts). */
  protected abstract destructure(d: ts.VariableDeclaration, pattern: ts.BindingPattern): void;

  private local(d: ts.VariableDeclaration): void {
    if (!ts.isIdentifier(d.name)) { this.destructure(d, d.name); return; }
    const sym = this.symbolOf(d.name);
    if (!sym) return;
    const ent = this.c.entities.get(sym);
    if (!ent || ent.kind !== 'local') return; // folded constant
    const t = ent.type;
    const a = this.b.alloca(irMemType(t), Math.max(1, alignOf(t)));
    this.locals.set(sym, a);
    if (d.initializer) this.assignTo({ addr: a, type: t }, d.initializer);
    else this.zero(a, t);
  }

  private ifStmt(s: ts.IfStatement): void {
    const c = this.c.consts.get(s.expression);
    if (c !== undefined) {
      // Constant conditions (target.x86_64, ...) keep only the live branch.
      if (c) this.stmt(s.thenStatement); else if (s.elseStatement) this.stmt(s.elseStatement);
      return;
    }
    const yes = this.b.label('if.then'), no = this.b.label('if.else'), end = this.b.label('if.end');
    this.condBranch(s.expression, yes, s.elseStatement ? no : end);
    this.b.startBlock(yes);
    this.stmt(s.thenStatement);
    this.b.br(end);
    if (s.elseStatement) {
      this.b.startBlock(no);
      this.stmt(s.elseStatement);
      this.b.br(end);
    }
    this.b.startBlock(end);
  }

  protected takeLabel(): string | undefined { const l = this.pendingLabel; this.pendingLabel = undefined; return l; }

  private whileStmt(s: ts.WhileStatement): void {
    const label = this.takeLabel();
    const head = this.b.label('while.cond'), body = this.b.label('while.body'), end = this.b.label('while.end');
    this.b.startBlock(head);
    this.condBranch(s.expression, body, end);
    this.b.startBlock(body);
    this.loops.push({ brk: end, cont: head, label });
    this.stmt(s.statement);
    this.loops.pop();
    this.b.br(head);
    this.b.startBlock(end);
  }

  private doStmt(s: ts.DoStatement): void {
    const label = this.takeLabel();
    const body = this.b.label('do.body'), cond = this.b.label('do.cond'), end = this.b.label('do.end');
    this.b.startBlock(body);
    this.loops.push({ brk: end, cont: cond, label });
    this.stmt(s.statement);
    this.loops.pop();
    this.b.startBlock(cond);
    this.condBranch(s.expression, body, end);
    this.b.startBlock(end);
  }

  private forStmt(s: ts.ForStatement): void {
    const label = this.takeLabel();
    if (s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) for (const d of s.initializer.declarations) this.local(d);
      else this.effect(s.initializer);
    }
    const head = this.b.label('for.cond'), body = this.b.label('for.body');
    const step = this.b.label('for.step'), end = this.b.label('for.end');
    this.b.startBlock(head);
    if (s.condition) this.condBranch(s.condition, body, end); else this.b.br(body);
    this.b.startBlock(body);
    this.loops.push({ brk: end, cont: step, label });
    this.stmt(s.statement);
    this.loops.pop();
    this.b.startBlock(step);
    if (s.incrementor) for (const x of updateParts(s.incrementor)) this.effect(x);
    this.b.br(head);
    this.b.startBlock(end);
  }

  private switchStmt(s: ts.SwitchStatement): void {
    const label = this.takeLabel();
    const t = this.c.types.get(s.expression)!;
    const v = this.value(s.expression);
    const end = this.b.label('sw.end');
    const clauses = s.caseBlock.clauses;
    const blocks = clauses.map(() => this.b.label('sw.case'));
    const exhaustive = this.c.exhaustive.has(s);
    let def = exhaustive ? this.b.label('sw.none') : end;
    const cases: Array<[string, string]> = [];
    clauses.forEach((c, i) => {
      if (ts.isCaseClause(c)) cases.push([String(this.c.consts.get(c.expression) ?? 0n), blocks[i]]);
      else def = blocks[i];
    });
    this.b.switch(irType(t), v, def, cases);
    this.loops.push({ brk: end, label });
    clauses.forEach((c, i) => {
      this.b.startBlock(blocks[i]); // falls through from the previous case, as in C
      this.stmtList(c.statements);
    });
    this.loops.pop();
    this.b.br(end);
    if (exhaustive) {
      this.b.startBlock(def);
      this.panicAt(`no case of this switch matches the ${typeName(t)} value (made with \`as\`)`, s.expression);
    }
    this.b.startBlock(end);
  }
}
