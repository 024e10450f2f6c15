// Reachability: whether the end of a statement can be reached, so that a function with a
// result cannot fall off its end. Conservative and syntactic, with constant conditions
// (`while (true)`, `if (target.x86_64)`) taken into account.
import * as ts from 'typescript';
import { Type } from './types';

const TS = ts.SyntaxKind;

/** What the checker knows about expressions that reachability depends on. */
export interface FlowFacts {
  consts: ReadonlyMap<ts.Node, bigint>;
  types: ReadonlyMap<ts.Node, Type>;
  /** Enum switches that list every member and may be taken as exhaustive. */
  exhaustive: ReadonlySet<ts.SwitchStatement>;
  /** Filled with the exhaustive switches an answer relied on. */
  relied?: Set<ts.SwitchStatement>;
}

/** A conservative syntactic reachability check for the end of a block. */
export function canFallThrough(s: ts.Statement, facts: FlowFacts): boolean {
  switch (s.kind) {
    case TS.ReturnStatement: return false;
    case TS.Block: {
      for (const x of (s as ts.Block).statements) if (!canFallThrough(x, facts)) return false;
      return true;
    }
    case TS.IfStatement: {
      const i = s as ts.IfStatement;
      const c = facts.consts.get(i.expression);
      if (c === 1n) return canFallThrough(i.thenStatement, facts);
      if (c === 0n) return !i.elseStatement || canFallThrough(i.elseStatement, facts);
      return !i.elseStatement || canFallThrough(i.thenStatement, facts) || canFallThrough(i.elseStatement, facts);
    }
    case TS.WhileStatement: case TS.DoStatement: case TS.ForStatement: {
      const cond = ts.isForStatement(s) ? s.condition : (s as ts.WhileStatement).expression;
      const infinite = !cond || facts.consts.get(cond) === 1n;
      return !infinite || hasBreak((s as ts.IterationStatement).statement, 0);
    }
    case TS.ExpressionStatement: {
      const e = (s as ts.ExpressionStatement).expression;
      return facts.types.get(e)?.kind !== 'never';
    }
    case TS.SwitchStatement: {
      const sw = s as ts.SwitchStatement;
      const hasDefault = sw.caseBlock.clauses.some((c) => c.kind === TS.DefaultClause);
      if (!hasDefault && !facts.exhaustive.has(sw)) return true;
      if (sw.caseBlock.clauses.some((c) => c.statements.some((x) => hasBreak(x, 0)))) return true;
      const last = sw.caseBlock.clauses[sw.caseBlock.clauses.length - 1];
      const falls = last.statements.every((x) => canFallThrough(x, facts));
      if (!falls && !hasDefault) facts.relied?.add(sw);
      return falls;
    }
    case TS.LabeledStatement: {
      const inner = (s as ts.LabeledStatement).statement;
      return canFallThrough(inner, facts) || hasBreak(inner, 0);
    }
    default: return true;
  }
}

function hasBreak(s: ts.Node, depth: number): boolean {
  if (ts.isBreakStatement(s)) return depth === 0 || !!s.label;
  if (ts.isFunctionLike(s)) return false;
  const inner = ts.isIterationStatement(s, false) || ts.isSwitchStatement(s) ? depth + 1 : depth;
  return ts.forEachChild(s, (c) => hasBreak(c, inner) || undefined) ?? false;
}
