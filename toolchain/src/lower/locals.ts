// Destructuring declarations (check/locals.ts): the value is evaluated once into storage
// (a call's result is already there), then each bound local gets a copy of its part.
import * as ts from 'typescript';
import { sizeOf, alignOf, irMemType, isAggregate } from '../check/types';
import { StmtLowerer } from './stmts';

export abstract class LocalLowerer extends StmtLowerer {
  protected destructure(d: ts.VariableDeclaration, pattern: ts.BindingPattern): void {
    if (!d.initializer) return;
    const src = this.place(d.initializer);
    const t = src.type;
    pattern.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el) || !ts.isIdentifier(el.name)) return;
      const sym = this.symbolOf(el.name);
      const ent = sym && this.c.entities.get(sym);
      if (!sym || ent?.kind !== 'local') return;
      let offset = 0;
      if (t.kind === 'struct') {
        const key = el.propertyName ?? el.name;
        offset = this.c.field(t.info, ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : '')!.offset;
      } else if (t.kind === 'array') offset = i * sizeOf(t.elem);
      const part = offset ? this.b.byteOffset(src.addr, String(offset), true) : src.addr;
      const a = this.b.alloca(irMemType(ent.type), Math.max(1, alignOf(ent.type)));
      this.locals.set(sym, a);
      if (isAggregate(ent.type)) this.memcpy(a, part, sizeOf(ent.type));
      else this.storeScalar(ent.type, this.loadScalar(ent.type, part), a);
    });
  }
}
