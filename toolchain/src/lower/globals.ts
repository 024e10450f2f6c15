// Module-level data: globals with their static initialisers (scalars, structs and arrays
// as packed IR constants, string literals, function and global addresses).
import * as ts from 'typescript';
import { GlobalInfo } from '../check/entities';
import { Type, Field, isIntegral, sizeOf, alignOf, irType } from '../check/types';
import { globalName } from '../emit/ir';
import { LowerState } from './state';

const TS = ts.SyntaxKind;

/** A typed IR constant; `zero` when every byte is zero (the global then goes to .bss). */
export interface StaticInit { ty: string; val: string; zero: boolean }

export abstract class GlobalLowerer extends LowerState {
  private globalsDone = new Set<GlobalInfo>();

  global(g: GlobalInfo): string {
    const name = globalName(g.irName);
    if (this.globalsDone.has(g)) return name;
    this.globalsDone.add(g);
    let ty = `[${sizeOf(g.type)} x i8]`;
    let init = 'zeroinitializer';
    if (g.decl.initializer) {
      const s = this.staticInit(g.decl.initializer, g.type);
      if (!s.zero) { ty = s.ty; init = s.val; }
    }
    const align = Math.max(1, alignOf(g.type), g.align ?? 1);
    this.mod.global(name, { linkage: 'internal', constant: g.isConst, type: ty, init, align });
    return name;
  }

  /** An IR constant for a global's initialiser. `zero` when every byte is zero. */
  staticInit(e: ts.Expression, t: Type): StaticInit {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const cv = this.c.consts.get(e);
    if (cv !== undefined && (isIntegral(t) || t.kind === 'bool')) {
      const it = t.kind === 'bool' ? 'i8' : irType(t);
      return { ty: it, val: String(cv), zero: cv === 0n };
    }
    if (t.kind === 'struct') {
      // An object literal gives the fields it lists; a constant `new C()` its field initialisers.
      const fieldInit = ts.isObjectLiteralExpression(e)
        ? (f: Field) => e.properties.find((x): x is ts.PropertyAssignment =>
          ts.isPropertyAssignment(x) && (x.name as ts.Identifier).text === f.name)?.initializer
        : ts.isNewExpression(e) ? (f: Field) => (ts.isPropertyDeclaration(f.node) ? f.node.initializer : undefined)
          : undefined;
      if (fieldInit) {
        const parts: string[] = [];
        let off = 0;
        let zero = true;
        for (const f of t.info.fields) {
          if (f.offset > off) parts.push(`[${f.offset - off} x i8] zeroinitializer`);
          const init = fieldInit(f);
          // A field initialiser was checked in its class's maps (a generic instance has its own).
          const maps = ts.isNewExpression(e) && f.owner ? this.c.classes.get(f.owner)?.instance : this.fn?.instance;
          const s = init ? this.inMaps(maps, () => this.staticInit(init, f.type)) : zeros(sizeOf(f.type));
          zero &&= s.zero;
          parts.push(`${s.ty} ${s.val}`);
          off = f.offset + sizeOf(f.type);
        }
        if (t.info.size > off) parts.push(`[${t.info.size - off} x i8] zeroinitializer`);
        return { ty: this.packedType(parts), val: `<{ ${parts.join(', ')} }>`, zero };
      }
      return zeros(t.info.size); // zeroed<T>()
    }
    if (t.kind === 'array') {
      if (ts.isArrayLiteralExpression(e)) {
        const elems = e.elements.map((x) => this.staticInit(x, t.elem));
        const esz = sizeOf(t.elem);
        const parts = elems.map((s) => `${s.ty} ${s.val}`);
        if (t.len > elems.length) parts.push(`[${(t.len - elems.length) * esz} x i8] zeroinitializer`);
        const zero = elems.every((s) => s.zero);
        return { ty: this.packedType(parts), val: `<{ ${parts.join(', ')} }>`, zero };
      }
      return zeros(sizeOf(t));
    }
    // Pointer-like values.
    if (e.kind === TS.NullKeyword) return { ty: 'ptr', val: 'null', zero: true };
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
      const wide = t.kind === 'str' ? t.wide : (t.kind === 'ptr' && t.to.kind === 'int' && t.to.bits === 16);
      return { ty: 'ptr', val: this.stringConst(e.text, wide), zero: false };
    }
    if (ts.isIdentifier(e)) {
      const ent = this.c.entityOf(e);
      if (ent?.kind === 'func') return { ty: 'ptr', val: this.want(ent), zero: false };
    }
    const lambda = this.c.lambdas.get(e);
    if (lambda) return { ty: 'ptr', val: this.want(lambda), zero: false };
    if (ts.isCallExpression(e)) {
      const k = this.c.calls.get(e);
      if (k?.kind === 'builtin') {
        if (k.name === 'embed') {
          return { ty: 'ptr', val: this.mod.stringConstant([...this.c.embedded.get(e)!], 8), zero: false };
        }
        if (k.name === 'addressOf') {
          const ent = this.c.entityOf(e.arguments[0] as ts.Identifier);
          if (ent?.kind === 'global') return { ty: 'ptr', val: this.global(ent), zero: false };
        }
        if (k.name === 'cast') return this.staticInit(e.arguments[0], this.c.types.get(e.arguments[0])!);
        if (k.name === 'ptr') {
          const v = this.c.consts.get(e.arguments[0]) ?? 0n;
          return { ty: 'ptr', val: v === 0n ? 'null' : `inttoptr (i64 ${v} to ptr)`, zero: v === 0n };
        }
        if (k.name === 'zeroed') return zeros(sizeOf(t));
      }
    }
    return zeros(sizeOf(t));
  }

  private packedType(parts: string[]): string {
    // Each part is "TYPE VALUE"; the type ends where the value starts.
    const types = parts.map((p) => splitTypedConstant(p)[0]);
    return `<{ ${types.join(', ')} }>`;
  }

  stringConst(text: string, wide: boolean): string {
    if (wide) {
      const units: number[] = [];
      for (let i = 0; i < text.length; i++) units.push(text.charCodeAt(i));
      units.push(0);
      return this.mod.stringConstant(units, 16);
    }
    return this.mod.stringConstant([...Buffer.from(text, 'utf8'), 0], 8);
  }
}

/** A static initialiser of n zero bytes. */
function zeros(n: number): StaticInit {
  return { ty: `[${n} x i8]`, val: 'zeroinitializer', zero: true };
}

/** Splits "TYPE VALUE" of a typed IR constant at the end of the type. */
function splitTypedConstant(s: string): [string, string] {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '<' || ch === '[' || ch === '{') depth++;
    else if (ch === '>' || ch === ']' || ch === '}') depth--;
    else if (ch === ' ' && depth === 0 && i > 0) return [s.slice(0, i), s.slice(i + 1)];
  }
  return [s, ''];
}
