// `a ?? b` and `p ??= q` (check/nullish.ts). a is evaluated once. When a is an optional
// chain, b is taken when any `?.` link of the chain meets null: the chain's null exit goes
// to b instead of giving the zero of the chain's type, so `p?.next?.x ?? 7` is 7 only when
// a link is null, never when x is 0.
import * as ts from 'typescript';
import { Type, irType } from '../check/types';
import { nullishChain, unparen } from '../check/nullish';
import { LocalLowerer } from './locals';

export abstract class NullishLowerer extends LocalLowerer {
  protected nullish(e: ts.BinaryExpression, t: Type): string {
    const orElse = this.b.label('nullish.else'), end = this.b.label('nullish.end');
    let v: string;
    let p: { addr: string; type: Type } | undefined;
    if (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken) {
      p = this.place(e.left);
      v = this.loadScalar(p.type, p.addr);
      this.b.condBr(this.b.icmp('eq', 'ptr', v, 'null'), orElse, end);
    } else if (nullishChain(e.left)) {
      const chain = unparen(e.left);
      this.chainExits.push(orElse);
      v = this.valueOf(chain, this.c.types.get(chain)!);
      this.chainExits.pop();
      this.b.br(end);
    } else {
      v = this.value(e.left);
      this.b.condBr(this.b.icmp('eq', 'ptr', v, 'null'), orElse, end);
    }
    const vl = this.b.currentLabel();
    this.b.startBlock(orElse);
    const other = this.value(e.right, t);
    if (p) this.storeScalar(p.type, other, p.addr);
    const ol = this.b.currentLabel();
    this.b.br(end);
    this.b.startBlock(end);
    return this.b.phi(irType(t), [[v, vl], [other, ol]]);
  }
}
