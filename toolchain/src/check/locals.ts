// Local declarations beyond `let x: T = v`: destructuring of struct and array values
// (`const { base, size: n } = region(i)`, `let [lo, hi] = pair()`), and the type of a
// `let` initialised by an untyped integer literal, inferred from its uses (Rust's rule).
// docs/language.md, "Destructuring" and "The type of `let i = 0`".
import * as ts from 'typescript';
import { Type, IntType, ERROR, I32, USIZE, INT_TYPES, UNTYPED, sameType, widens, structOf, typeName } from './types';
import { StmtChecker } from './stmts';

const TS = ts.SyntaxKind;

/** A use of a local that decides its type, and where it is. */
interface Hint {
  type: Type;
  at: ts.Node;
  /** exact: given a value or combined with a typed operand; into: flows into a typed place. */
  use: 'exact' | 'into' | 'index';
}

export abstract class LocalChecker extends StmtChecker {
  /** `const { a, b: c } = v` and `let [x, , y] = v`: one local per bound name. */
  protected declarePattern(decl: ts.VariableDeclaration, pattern: ts.BindingPattern): void {
    let src: Type = ERROR;
    const written = decl.type ? this.resolveType(decl.type) : undefined;
    if (!decl.initializer) {
      this.d.error(decl, 'destructuring needs an initialiser: the struct or array value to take apart');
    } else {
      const t = this.expr(decl.initializer, written);
      if (written) this.assignable(decl.initializer, t, written);
      src = written ?? t;
    }
    const isObject = ts.isObjectBindingPattern(pattern);
    if (src.kind !== 'error' && src.kind !== (isObject ? 'struct' : 'array')) {
      const what = isObject ? 'a struct value, e.g. `const { base, size } = region(i)`'
        : 'an Arr<T, N> value, e.g. `const [lo, hi] = pair()`';
      this.d.error(decl.initializer ?? pattern, `this destructuring takes apart ${what}, not ${typeName(src)}`);
      src = ERROR;
    }
    pattern.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      let type: Type = ERROR;
      if (el.dotDotDotToken) this.d.error(el, 'a rest element is not supported in destructuring; name each part');
      else if (el.initializer) {
        this.d.error(el.initializer, 'a default value is not supported in destructuring: a struct or array value '
          + 'always has every part');
      }
      if (!ts.isIdentifier(el.name)) {
        this.d.error(el.name, 'nested destructuring is not supported; destructure the part in a second declaration');
        return;
      }
      if (src.kind === 'struct') {
        const key = el.propertyName ?? el.name;
        const fname = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : key.getText();
        const f = this.field(src.info, fname);
        if (f) type = f.type;
        else this.d.error(key, `struct ${src.info.name} has no field '${fname}'`);
      } else if (src.kind === 'array') {
        if (i < src.len) type = src.elem;
        else this.d.error(el, `${typeName(src)} has ${src.len} elements; this names element ${i}`);
      }
      const sym = this.tc.getSymbolAtLocation(el.name);
      if (!sym || !this.declare(this.scopes[this.scopes.length - 1], el.name)) return;
      this.entities.set(sym, { kind: 'local', name: el.name.text, type, decl: el });
    });
  }

  /**
   * The type of `let name = <untyped integer>`, from its uses in the function (the rule in
   * docs/language.md, "The type of `let i = 0`"): uses that give it a value or combine it
   * with a typed operand decide exactly and must agree; uses it flows into (an argument, a
   * return, a typed variable) then only need to accept it by lossless widening, and decide
   * when nothing else does; an index alone makes it a usize; nothing at all, an i32.
   */
  protected inferLocal(decl: ts.VariableDeclaration & { name: ts.Identifier }, sym: ts.Symbol): Type {
    const hints: Hint[] = [];
    const body = this.fn?.decl.body;
    const walk: ts.Node[] = body ? [body] : [];
    while (walk.length) {
      const n = walk.pop()!;
      if (ts.isIdentifier(n) && n.text === decl.name.text && n !== decl.name && this.symbolOf(n) === sym) {
        const h = this.useHint(n);
        if (h && h.type.kind === 'int') hints.push(h);
      } else n.forEachChild((c) => { walk.push(c); });
    }
    hints.sort((a, b) => a.at.pos - b.at.pos);
    const exact = hints.filter((h) => h.use === 'exact');
    const into = hints.filter((h) => h.use === 'into');
    const fits = (t: Type, h: Hint) => widens(t as IntType, h.type as IntType);
    let chosen: Hint | undefined = exact[0] ?? into.find((h) => into.every((o) => fits(h.type, o)));
    const clash = chosen ? [...exact, ...into].find((h) => !(h.use === 'exact' ? sameType(h.type, chosen!.type)
      : fits(chosen!.type, h))) : into.length > 1 ? into[1] : undefined;
    if (!chosen && into.length) chosen = into[0];
    if (chosen && clash) {
      const name = decl.name.text;
      const where = (h: Hint) => {
        const { line, character } = ts.getLineAndCharacterOfPosition(h.at.getSourceFile(), h.at.getStart());
        return `${typeName(h.type)} at ${line + 1}:${character + 1}`;
      };
      this.d.error(decl.name, `'${name}' is used as ${where(chosen)} and as ${where(clash)}; give it a type, `
        + `e.g. \`let ${name}: ${typeName(clash.type)} = ${decl.initializer!.getText()}\``);
    }
    const type = chosen?.type ?? (hints.length ? USIZE : I32);
    this.assignable(decl.initializer!, UNTYPED, type);
    return type;
  }

  /** What a use of a local says about its type, if anything. */
  private useHint(id: ts.Identifier): Hint | undefined {
    let n: ts.Node = id;
    while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
    const p = n.parent;
    const hint = (type: Type | undefined, use: Hint['use']): Hint | undefined => type && { type, at: n, use };
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      const shift = op === TS.LessThanLessThanToken || op === TS.GreaterThanGreaterThanToken
        || op === TS.GreaterThanGreaterThanGreaterThanToken || op === TS.LessThanLessThanEqualsToken
        || op === TS.GreaterThanGreaterThanEqualsToken || op === TS.GreaterThanGreaterThanGreaterThanEqualsToken;
      if (shift || op === TS.AmpersandAmpersandToken || op === TS.BarBarToken || op === TS.CommaToken) return undefined;
      const assigns = op >= TS.FirstAssignment && op <= TS.LastAssignment;
      if (assigns && p.right === n) return hint(this.writtenType(p.left), 'into');
      return hint(this.writtenType(p.left === n ? p.right : p.left), 'exact');
    }
    if (ts.isCallExpression(p) && p.expression !== n) {
      const ft = this.writtenType(p.expression);
      return hint(ft?.kind === 'fn' ? ft.params[p.arguments.indexOf(n as ts.Expression)] : undefined, 'into');
    }
    if (ts.isElementAccessExpression(p) && p.argumentExpression === n) return hint(USIZE, 'index');
    if (ts.isReturnStatement(p)) return hint(this.fn?.type.ret, 'into');
    if (ts.isVariableDeclaration(p) && p.initializer === n && p.type) return hint(this.resolveType(p.type), 'into');
    return undefined;
  }

  /**
   * The type of an expression as far as its declarations say, without checking it (the
   * uses come later in the function than the declaration being typed).
   */
  private writtenType(e: ts.Expression): Type | undefined {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isIdentifier(e)) {
      const sym = this.symbolOf(e);
      const ent = sym && this.entities.get(sym);
      if (ent) return ent.type;
      const decl = sym?.declarations?.[0];
      if (decl && this.isLibDecl(decl)) return this.stdByName.get(e.text)?.type;
      return decl && ts.isVariableDeclaration(decl) && decl.type 
        ? this.resolveType(decl.type) : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const base = this.writtenType(e.expression);
      if (base?.kind === 'array' && e.name.text === 'length') return USIZE;
      const s = base && structOf(base);
      return s && this.field(s, e.name.text)?.type;
    }
    if (ts.isElementAccessExpression(e)) {
      const base = this.writtenType(e.expression);
      return base?.kind === 'array' ? base.elem : base?.kind === 'ptr' ? base.to : undefined;
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const sym = this.symbolOf(e.expression);
      const ent = sym && this.entities.get(sym);
      if (ent?.kind === 'func') return ent.type.ret;
      const decl = sym?.declarations?.[0];
      if (decl && this.isLibDecl(decl) && INT_TYPES[sym!.name]) return INT_TYPES[sym!.name];
      return ent?.kind === 'local' || ent?.kind === 'global' ? (ent.type.kind === 'fn' ? ent.type.ret : undefined)
        : this.stdByName.get(e.expression.text)?.type.ret;
    }
    if (ts.isAsExpression(e)) return this.resolveType(e.type);
    return undefined;
  }
}
