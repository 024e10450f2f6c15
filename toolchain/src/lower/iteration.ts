// `for…of` over an Arr or a Slice: an index from 0 to the length (read once, before the
// loop), and the element copied into the loop variable at the top of each iteration.
import * as ts from 'typescript';
import { Type, USIZE, irMemType, alignOf, sizeOf } from '../check/types';
import { entriesOf } from '../check/iteration';
import { NullishLowerer } from './nullish';

export abstract class IterationLowerer extends NullishLowerer {
  protected forOf(s: ts.ForOfStatement): void {
    const label = this.takeLabel();
    const source = entriesOf(s.expression) ?? s.expression;
    const d = (s.initializer as ts.VariableDeclarationList).declarations[0];
    const [iName, xName] = ts.isArrayBindingPattern(d.name)
      ? d.name.elements.map((el) => (el as ts.BindingElement).name as ts.Identifier)
      : [undefined, d.name as ts.Identifier];
    const x = this.loopLocal(xName);
    if (!x) return;
    const i = iName && this.loopLocal(iName);
    const { ptr, len } = this.sliceParts(source);
    const idx = this.b.alloca('i64', 8);
    this.b.store('i64', '0', idx, 8);
    const head = this.b.label('forof.cond'), body = this.b.label('forof.body');
    const step = this.b.label('forof.step'), end = this.b.label('forof.end');
    this.b.startBlock(head);
    const n = this.b.load('i64', idx, 8);
    this.b.condBr(this.b.icmp('ult', 'i64', n, len), body, end);
    this.b.startBlock(body);
    const at = this.b.elemOffset(this.elemType(x.type), ptr, n, true);
    if (x.type.kind === 'struct' || x.type.kind === 'array') this.memcpy(x.addr, at, sizeOf(x.type));
    else this.storeScalar(x.type, this.loadScalar(x.type, at), x.addr);
    if (i) this.storeScalar(USIZE, n, i.addr);
    this.loops.push({ brk: end, cont: step, label });
    this.stmt(s.statement);
    this.loops.pop();
    this.b.startBlock(step);
    this.b.store('i64', this.b.binop('add', 'i64', this.b.load('i64', idx, 8), '1'), idx, 8);
    this.b.br(head);
    this.b.startBlock(end);
  }

  /** The stack slot of a loop variable (its type from the checker). */
  private loopLocal(name: ts.Identifier): { addr: string; type: Type } | undefined {
    const sym = this.symbolOf(name);
    const ent = sym && this.c.entities.get(sym);
    if (!sym || ent?.kind !== 'local') return undefined;
    const addr = this.b.alloca(irMemType(ent.type), Math.max(1, alignOf(ent.type)));
    this.locals.set(sym, addr);
    return { addr, type: ent.type };
  }
}
