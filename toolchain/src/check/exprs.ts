// Expressions: literals, names, fields and elements, `?:`, `as`, array and object
// literals, conditions, and which expressions are places (assignable, addressable).
// Operators are in operators.ts, calls in calls.ts.
import * as ts from 'typescript';
import {
  Type, BOOL, NULL, ERROR, CSTR, WSTR, U16, U32, I64, USIZE, UNTYPED, ptrTo,
  isInt, isIntegral, isAggregate, wrap, sameType, typeName, structOf, Field,
} from './types';
import { ClassInfo, FuncInfo } from './entities';
import { REJECTED } from './rejected';
import { stringLiteral, utf8Length } from './literals';
import { endsOptionalChain, inOptionalChain } from './chains';
import { DEEP, postOrder } from './nesting';
import { ARITH, COMPARE } from './optable';
import { GenericResolver } from './generics';
import { isLiteralJoin } from './fmt-plan';

const TS = ts.SyntaxKind;

/** The value of a struct literal's entry: `f: v` or the shorthand `f` (the local named f). */
export function fieldValue(p: ts.PropertyAssignment | ts.ShorthandPropertyAssignment): ts.Expression {
  return ts.isPropertyAssignment(p) ? p.initializer : p.name;
}

/** Binary operators whose operands are typed without a context: arithmetic, comparisons, logic. */
function contextFreeOperator(op: ts.SyntaxKind): boolean {
  return op in ARITH || op in COMPARE || op === TS.AmpersandAmpersandToken || op === TS.BarBarToken;
}

/**
 * Whether an expression's type does not depend on the type its context expects: then it
 * can be typed before its parent (a string literal, by contrast, is cstr or wstr by context).
 */
function contextFree(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  switch (e.kind) {
    case TS.NumericLiteral: case TS.Identifier: case TS.TrueKeyword: case TS.FalseKeyword:
    case TS.PrefixUnaryExpression: case TS.PostfixUnaryExpression: return true;
    case TS.BinaryExpression: return contextFreeOperator((e as ts.BinaryExpression).operatorToken.kind);
    default: return false;
  }
}

/** The operands the iterative pass types ahead of a context-free expression. */
function contextFreeOperands(n: ts.Node): ts.Node[] {
  let kids: ts.Expression[] = [];
  if (ts.isParenthesizedExpression(n)) kids = [n.expression];
  else if (ts.isPrefixUnaryExpression(n)) kids = [n.operand];
  else if (ts.isBinaryExpression(n) && contextFreeOperator(n.operatorToken.kind)) kids = [n.left, n.right];
  return kids.filter(contextFree);
}

export abstract class ExprChecker extends GenericResolver {
  protected abstract call(e: ts.CallExpression): Type;
  protected abstract prefix(e: ts.PrefixUnaryExpression): Type;
  protected abstract incdec(operand: ts.Expression, op: string): Type;
  protected abstract binary(e: ts.BinaryExpression): Type;
  // Classes (check/class-members.ts).
  protected abstract thisExpr(e: ts.Expression): Type;
  protected abstract superExpr(e: ts.Expression): Type;
  protected abstract newExpr(e: ts.NewExpression, ctx: Type | undefined): Type;
  protected abstract staticMember(e: ts.PropertyAccessExpression, decl: ts.ClassDeclaration): Type;
  protected abstract classMember(e: ts.PropertyAccessExpression, cls: ClassInfo): Type | undefined;
  protected abstract accessorTarget(e: ts.Expression): boolean;
  protected abstract initialising(e: ts.PropertyAccessExpression, f: Field): boolean;
  /** An arrow function or function expression (nested.ts). */
  protected abstract lambda(e: ts.ArrowFunction | ts.FunctionExpression, ctx: Type | undefined): Type;
  /** Whether a name is a variable of an enclosing function, reported as a capture (nested.ts). */
  protected abstract captured(id: ts.Identifier, sym: ts.Symbol): boolean;
  protected abstract template(e: ts.TemplateExpression | ts.BinaryExpression, ctx: Type | undefined): Type;

  /** How deep expr() is nested now (see nesting.ts). */
  protected depth = 0;
  /** Nodes typed ahead by the iterative pass, so their parents do not recurse into them. */
  private readonly prechecked = new Set<ts.Node>();
  private prechecking = false;

  protected recover(): void {
    this.depth = 0;
    this.prechecking = false;
  }

  /** Types an expression; `ctx` is the type the context expects (for literals). */
  expr(e: ts.Expression, ctx: Type | undefined): Type {
    // (A generic body is checked once per instance: typed ahead means typed in this one.)
    if (this.prechecked.has(e) && this.types.has(e)) return this.types.get(e)!;
    if (++this.depth > DEEP && !this.prechecking && contextFree(e)) this.precheck(e);
    const t = this.exprInner(e, ctx);
    if (!this.types.has(e) || this.types.get(e)!.kind === 'untyped') this.types.set(e, t);
    if (endsOptionalChain(e) && isAggregate(t)) {
      this.d.error(e, `an optional chain cannot give a ${typeName(t)} value: when it short-circuits there is no `
        + 'storage to copy from; take a scalar field, or test the pointer: `if (p != null) { ... }`');
    }
    this.depth--;
    return this.types.get(e)!;
  }

  /**
   * Types the context-free expressions below a deeply nested one bottom up, without
   * recursion: afterwards each of them is checked by a call that finds its operands done.
   */
  private precheck(root: ts.Expression): void {
    const order = postOrder(root, contextFreeOperands) as ts.Expression[];
    this.prechecking = true;
    for (const n of order) {
      this.expr(n, undefined);
      this.prechecked.add(n);
    }
    this.prechecking = false;
  }

  /**
   * The object before a `?.`: a pointer that may be null (or, for `f?.(x)`, a function
   * pointer). Struct and array values are never null.
   */
  protected optionalBase(e: ts.Node, base: ts.Expression, t: Type): boolean {
    if (t.kind === 'ptr' || t.kind === 'fn' || t.kind === 'error') return true;
    const what = t.kind === 'struct' || t.kind === 'array' ? `a ${typeName(t)} value` : typeName(t);
    this.d.error(e, `\`?.\` tests a pointer for null, and '${base.getText()}' is ${what}, which is never null; `
      + 'write `.` instead');
    return false;
  }

  private exprInner(e: ts.Expression, ctx: Type | undefined): Type {
    switch (e.kind) {
      case TS.NumericLiteral: {
        const v = this.parseIntLiteral(e as ts.NumericLiteral);
        if (v === undefined) return ERROR;
        return this.setConst(e, v, UNTYPED);
      }
      case TS.TrueKeyword: return this.setConst(e, 1n, BOOL);
      case TS.FalseKeyword: return this.setConst(e, 0n, BOOL);
      case TS.NullKeyword: return NULL;
      case TS.StringLiteral: case TS.NoSubstitutionTemplateLiteral: {
        if (ctx?.kind === 'str' || ctx?.kind === 'fmt') return ctx;
        if (ctx?.kind === 'ptr' && sameType(ctx.to, U16)) return WSTR;
        return CSTR;
      }
      case TS.ParenthesizedExpression: {
        const inner = (e as ts.ParenthesizedExpression).expression;
        const t = this.expr(inner, ctx);
        const c = this.consts.get(inner);
        if (c !== undefined) this.consts.set(e, c);
        return t;
      }
      case TS.NonNullExpression: return this.expr((e as ts.NonNullExpression).expression, ctx);
      case TS.Identifier: return this.identifier(e as ts.Identifier);
      case TS.PropertyAccessExpression: return this.property(e as ts.PropertyAccessExpression);
      case TS.ElementAccessExpression: return this.element(e as ts.ElementAccessExpression);
      case TS.CallExpression: return this.call(e as ts.CallExpression);
      case TS.PrefixUnaryExpression: return this.prefix(e as ts.PrefixUnaryExpression);
      case TS.PostfixUnaryExpression: {
        const p = e as ts.PostfixUnaryExpression;
        return this.incdec(p.operand, p.operator === TS.PlusPlusToken ? '++' : '--');
      }
      case TS.BinaryExpression:
        return ctx?.kind === 'fmt' && isLiteralJoin(e) ? this.template(e, ctx) : this.binary(e as ts.BinaryExpression);
      case TS.ConditionalExpression: return this.conditional(e as ts.ConditionalExpression, ctx);
      case TS.AsExpression: return this.asExpr(e as ts.AsExpression);
      case TS.ArrayLiteralExpression: return this.arrayLiteral(e as ts.ArrayLiteralExpression, ctx);
      case TS.ObjectLiteralExpression: return this.objectLiteral(e as ts.ObjectLiteralExpression, ctx);
      case TS.ThisKeyword: return this.thisExpr(e);
      case TS.SuperKeyword: return this.superExpr(e);
      case TS.NewExpression: return this.newExpr(e as ts.NewExpression, ctx);
      case TS.ArrowFunction: case TS.FunctionExpression: return this.lambda(e as ts.ArrowFunction, ctx);
      case TS.TemplateExpression: return this.template(e as ts.TemplateExpression, ctx);
      default:
        this.d.error(e, REJECTED[e.kind] ?? `this expression is not supported in the subset (${TS[e.kind]})`);
        return ERROR;
    }
  }

  /** A condition (`if`, loops, `?:`, `&&`): a bool, never an integer or pointer by truthiness. */
  protected cond(e: ts.Expression): void {
    const t = this.expr(e, BOOL);
    if (t.kind !== 'bool' && t.kind !== 'error') {
      const hint = isIntegral(t) ? 'compare explicitly, e.g. `x != 0`'
        : t.kind === 'ptr' || t.kind === 'str' ? 'compare explicitly, e.g. `p != null`' : 'use a bool expression';
      this.d.error(e, `a condition must be a bool, not ${typeName(t)}; ${hint}`);
    }
  }

  private conditional(c: ts.ConditionalExpression, ctx: Type | undefined): Type {
    this.cond(c.condition);
    const a = this.expr(c.whenTrue, ctx);
    const b = this.expr(c.whenFalse, ctx);
    const cv = this.consts.get(c.condition);
    const av = this.consts.get(c.whenTrue), bv = this.consts.get(c.whenFalse);
    if (a.kind === 'untyped' && b.kind === 'untyped') {
      // Both arms are literals: the ?: takes the type of its context, like an operator.
      if (cv !== undefined && av !== undefined && bv !== undefined) this.consts.set(c, cv ? av : bv);
      return UNTYPED;
    }
    if (a.kind === 'null' || a.kind === 'untyped') { this.assignable(c.whenTrue, a, b); return b; }
    if (b.kind === 'null' || b.kind === 'untyped') { this.assignable(c.whenFalse, b, a); return a; }
    if (isInt(a) && isInt(b)) {
      const u = this.unify(c, c.whenTrue, a, c.whenFalse, b, '?:');
      // Constant only when both arms are (as the docs define a constant expression): a
      // constant condition choosing a constant arm beside a run-time one is not folded, so
      // `1 << (K ? 40 : x)` is a run-time shift rather than an out-of-range constant.
      if (u && cv !== undefined && av !== undefined && bv !== undefined) this.consts.set(c, cv ? av : bv);
      return u ?? ERROR;
    }
    if (!sameType(a, b) && a.kind !== 'error' && b.kind !== 'error') {
      if (this.implicitly(b, a)) return a;
      if (this.implicitly(a, b)) return b;
      this.d.error(c, `the branches of ?: have different types ${typeName(a)} and ${typeName(b)}`);
      return ERROR;
    }
    if (cv !== undefined && av !== undefined && bv !== undefined) this.consts.set(c, cv ? av : bv);
    return a;
  }

  private asExpr(a: ts.AsExpression): Type {
    const written = a.type;
    if (ts.isTypeReferenceNode(written) && ts.isIdentifier(written.typeName) && written.typeName.text === 'const') {
      this.d.error(a, '`as const` is not supported'); return ERROR;
    }
    if (this.namesTypeParameter(written)) return this.asTypeParameter(a);
    const to = this.resolveType(written);
    const from = this.expr(a.expression, undefined);
    if (to.kind === 'enum' && (isIntegral(from) || from.kind === 'error')) {
      if (from.kind === 'untyped') this.settle(a.expression, to.info.repr);
      const v = this.consts.get(a.expression);
      if (v !== undefined) this.consts.set(a, v);
      return to;
    }
    if (to.kind === 'error' || from.kind === 'error') return ERROR;
    if (from.kind === 'enum' && to.kind === 'int') {
      const v = this.consts.get(a.expression);
      if (v !== undefined) this.consts.set(a, wrap(v, to));
      return to;
    }
    const instead = isIntegral(to) ? `use ${typeName(to)}(x)`
      : to.kind === 'ptr' ? `use cast<${typeName(to.to)}>(p)` : 'use a conversion function';
    this.d.error(a, `\`as\` converts integers to enums only; ${instead}`);
    return ERROR;
  }

  private arrayLiteral(arr: ts.ArrayLiteralExpression, ctx: Type | undefined): Type {
    if (!ctx || ctx.kind !== 'array') {
      this.d.error(arr,
        'array literals only initialise Arr<T, N> variables and fields; JavaScript arrays are not supported');
      return ERROR;
    }
    if (arr.elements.length > ctx.len) this.d.error(arr, `${arr.elements.length} elements do not fit ${typeName(ctx)}`);
    for (const x of arr.elements) {
      if (x.kind === TS.SpreadElement || x.kind === TS.OmittedExpression) {
        this.d.error(x, 'spread and holes are not supported in array literals');
        continue;
      }
      this.assignable(x, this.expr(x, ctx.elem), ctx.elem, 'element');
    }
    return ctx;
  }

  private objectLiteral(obj: ts.ObjectLiteralExpression, ctx: Type | undefined): Type {
    if (!ctx || ctx.kind !== 'struct') {
      this.d.error(obj, 'object literals only initialise struct variables and fields; there are no JavaScript objects');
      return ERROR;
    }
    for (const p of obj.properties) {
      const ok = ts.isShorthandPropertyAssignment(p)
        || ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name));
      if (!ok) {
        this.d.error(p, 'only `field: value` and `field` entries are supported in struct literals');
        continue;
      }
      const name = (p.name as ts.Identifier | ts.StringLiteral).text;
      const f = this.field(ctx.info, name);
      if (!f) { this.d.error(p.name, `struct ${ctx.info.name} has no field '${name}'`); continue; }
      const v = fieldValue(p);
      this.assignable(v, this.expr(v, f.type), f.type, `field '${f.name}'`);
    }
    return ctx;
  }

  private identifier(id: ts.Identifier): Type {
    if (id.text === 'undefined') {
      this.d.error(id, '`undefined` is not supported; use null for pointers or 0 for integers');
      return ERROR;
    }
    const sym = this.symbolOf(id);
    if (!sym) { this.d.error(id, `cannot find name '${id.text}'`); return ERROR; }
    if (this.captured(id, sym)) return ERROR;
    return this.named(id, sym, id.text);
  }

  /** What a name denotes, written alone (`x`) or through a namespace import (`ns.x`). */
  private named(id: ts.Expression, sym: ts.Symbol, text: string): Type {
    const ent = this.entities.get(sym);
    if (!ent) {
      const decl = sym.declarations?.[0];
      if (decl && ts.isEnumMember(decl)) {
        // `enum E { A = 3, B = A * 2 }`: an earlier member named without qualification.
        const info = this.enumOf(decl.parent);
        const v = info.members.get(text);
        if (v === undefined) {
          this.d.error(id,
            `enum member '${text}' is used before its value is known; members may refer only to earlier ones`);
          return ERROR;
        }
        return this.setConst(id, v, { kind: 'enum', info });
      }
      if (decl && this.isLibDecl(decl)) {
        const std = ts.isFunctionDeclaration(decl) ? this.stdByName.get(sym.name) : undefined;
        if (std) return this.functionValue(id, std);
        this.d.error(id, `'${text}' is an intrinsic: call it, it is not a value`);
        return ERROR;
      }
      this.d.error(id, `'${text}' cannot be used as a value here`);
      return ERROR;
    }
    switch (ent.kind) {
      case 'func': return this.functionValue(id, ent);
      case 'global': case 'local': return ent.type;
      case 'const': {
        const v = this.constInfoValue(ent, id);
        if (v === undefined) return ent.type ?? ERROR;
        return this.setConst(id, v, ent.type ?? UNTYPED);
      }
    }
  }

  /** A function named as a value (a function pointer); a generic one has no single address. */
  protected functionValue(id: ts.Expression, f: FuncInfo): Type {
    if (!f.generic) return f.type;
    this.d.error(id, `generic ${f.member ? 'method' : 'function'} '${f.name}' has one instance per type; call it, `
      + 'or wrap the instance you need in a function of its own to take its address');
    return ERROR;
  }

  private property(e: ts.PropertyAccessExpression): Type {
    const name = e.name.text;
    // target.x86_64 and friends: compile-time booleans.
    if (ts.isIdentifier(e.expression) && e.expression.text === 'target') {
      const s = this.symbolOf(e.expression);
      if (s?.declarations?.[0] && this.isLibDecl(s.declarations[0])) {
        const t = this.target;
        const vals: Record<string, boolean> = {
          x86_64: t.arch === 'x86_64', aarch64: t.arch === 'aarch64',
          uefi: t.os === 'uefi', elf: t.os === 'elf', linux: t.os === 'linux',
        };
        if (!(name in vals)) {
          this.d.error(e.name, `unknown target constant '${name}'; use one of ${Object.keys(vals).join(', ')}`);
          return ERROR;
        }
        return this.setConst(e, vals[name] ? 1n : 0n, BOOL);
      }
    }
    // Enum members.
    const member = this.namespaceMember(e); // `ns.x` after `import * as ns`
    if (member) return this.named(e, member, name);
    const objSym = ts.isPropertyAccessExpression(e.expression) ? this.namespaceMember(e.expression)
      : this.symbolOf(e.expression);
    const objDecl = objSym?.declarations?.[0];
    if (objDecl && ts.isEnumDeclaration(objDecl)) {
      const info = this.enumOf(objDecl);
      const v = info.members.get(name);
      if (v === undefined) { this.d.error(e.name, `enum ${info.name} has no member '${name}'`); return ERROR; }
      return this.setConst(e, v, { kind: 'enum', info });
    }
    if (objDecl && ts.isClassDeclaration(objDecl) && ts.isIdentifier(e.expression)) {
      return this.staticMember(e, objDecl);
    }
    const ot = this.expr(e.expression, undefined);
    if (e.questionDotToken && !this.optionalBase(e, e.expression, ot)) return ERROR;
    if (ot.kind === 'error' || (ot.kind === 'ptr' && ot.to.kind === 'error')) return ERROR; // already reported
    if (ot.kind === 'array' && name === 'length') return this.setConst(e, BigInt(ot.len), USIZE);
    if (ot.kind === 'array' && name === 'ptr' && this.isPlace(e.expression)) return ptrTo(ot.elem);
    const s = structOf(ot);
    if (!s) {
      const lit = stringLiteral(e.expression);
      if (lit && name === 'length') return this.setConst(e, BigInt(utf8Length(lit.text)), UNTYPED);
      if (ot.kind === 'str' && name === 'length') {
        this.d.error(e, 'strings have no run-time length; use strlen(s) (a literal\'s `.length` is a constant)');
        return ERROR;
      }
      const why = ot.kind === 'ptr' ? ' (only pointers to structs have fields)' : '';
      this.d.error(e.name, `${typeName(ot)} has no field '${name}'${why}`);
      return ERROR;
    }
    const cls = this.classes.get(s);
    const classMember = cls && this.classMember(e, cls);
    if (classMember) return classMember;
    const f = this.field(s, name);
    if (!f) { this.d.error(e.name, `struct ${s.name} has no field '${name}'`); return ERROR; }
    return f.type;
  }

  private element(e: ts.ElementAccessExpression): Type {
    let ot = this.expr(e.expression, undefined);
    if (e.questionDotToken && !this.optionalBase(e, e.expression, ot)) ot = ERROR;
    // A constant index is an i64, so `p[-1]` reads the element before p (as in C).
    const it = this.expr(e.argumentExpression, undefined);
    if (it.kind === 'untyped') this.settle(e.argumentExpression, I64);
    if (!isIntegral(it) && it.kind !== 'error') {
      this.d.error(e.argumentExpression, `an index must be an integer, not ${typeName(it)}`);
    }
    if (ot.kind === 'array') return ot.elem;
    if (ot.kind === 'struct' && ot.info.slice) return ot.info.slice; // bounds-checked (lower/slices.ts)
    if (ot.kind === 'ptr') {
      if (ot.to.kind === 'void') {
        this.d.error(e, 'cannot index a Ptr<void>; cast it first, e.g. cast<u8>(p)[i]');
        return ERROR;
      }
      return ot.to;
    }
    if (ot.kind === 'str') {
      this.d.error(e, `cannot index a ${typeName(ot)}; cast it: cast<${ot.wide ? 'u16' : 'u8'}>(s)[i]`);
      return ERROR;
    }
    if (ot.kind !== 'error') this.d.error(e, `${typeName(ot)} cannot be indexed; index an Arr<T, N> or a Ptr<T>`);
    return ERROR;
  }

  /** Whether an expression denotes storage that can be assigned or addressed. */
  isPlace(e: ts.Expression): boolean {
    if (ts.isParenthesizedExpression(e)) return this.isPlace(e.expression);
    if (inOptionalChain(e)) return false;
    if (e.kind === TS.ThisKeyword) return this.selfClass !== undefined;
    if (this.staticRefs.has(e)) return this.staticRefs.get(e)!.kind === 'global';
    if (ts.isIdentifier(e)) {
      const ent = this.entityOf(e);
      return ent?.kind === 'local' || (ent?.kind === 'global');
    }
    if (ts.isPropertyAccessExpression(e)) {
      if (this.consts.has(e)) return false;
      const member = this.namespaceMember(e);
      if (member) return this.entities.get(member)?.kind === 'global';
      const ot = this.types.get(e.expression);
      return ot?.kind === 'ptr' || (ot?.kind === 'struct' && this.isPlace(e.expression));
    }
    if (ts.isElementAccessExpression(e)) {
      const ot = this.types.get(e.expression);
      return ot?.kind === 'ptr' || (ot?.kind === 'array' && this.isPlace(e.expression))
        || (ot?.kind === 'struct' && !!ot.info.slice); // a slice's elements are stored elsewhere
    }
    return false;
  }

  protected checkAssignTarget(e: ts.Expression): boolean {
    if (this.accessors.has(e)) return this.accessorTarget(e);
    const member = this.staticRefs.get(e);
    if (member?.kind === 'global' && member.isConst) {
      this.d.error(e, `cannot assign to static readonly '${member.name}'`);
      return false;
    }
    if (e.kind === TS.ThisKeyword) {
      this.d.error(e, 'cannot assign to `this`; assign its fields, or copy into it with `this.x = other.x`');
      return false;
    }
    if (ts.isIdentifier(e)) {
      const ent = this.entityOf(e);
      if (ent?.kind === 'global' && ent.isConst) {
        this.d.error(e, `cannot assign to const '${ent.name}'`);
        return false;
      }
      if (ent?.kind === 'const') { this.d.error(e, `cannot assign to constant '${ent.name}'`); return false; }
      if (ent?.kind === 'local') {
        // getCombinedNodeFlags reaches the list from a binding element too (locals.ts, iteration.ts).
        if ((ts.isVariableDeclaration(ent.decl) || ts.isBindingElement(ent.decl))
          && ts.getCombinedNodeFlags(ent.decl) & ts.NodeFlags.Const) {
          this.d.error(e, `cannot assign to const '${ent.name}'`);
          return false;
        }
      }
    }
    if (inOptionalChain(e)) {
      this.d.error(e, 'cannot assign through `?.`: when the pointer is null there is nothing to assign to; '
        + 'test it first, e.g. `if (q != null) q.x = 3`');
      return false;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const ot = this.types.get(e.expression);
      const s = ot && structOf(ot);
      const f = s && this.field(s, e.name.text);
      if (f?.readonly && s!.slice) {
        this.d.error(e, `the ${f.name} of a slice is fixed; make another slice with s.sub(start, end) or slice(p, n)`);
        return false;
      }
      if (f?.readonly && !this.initialising(e, f)) {
        const by = f.owner ? 'its initialiser or its class\'s constructor' : 'an initialiser';
        this.d.error(e, `field '${f.name}' of ${s!.name} is readonly: only ${by} sets it`);
        return false;
      }
    }
    if (!this.isPlace(e)) {
      if (this.types.get(e)?.kind !== 'error') {
        this.d.error(e, 'this is not a place that can be assigned: assign to a variable, a field or an element');
      }
      return false;
    }
    return true;
  }
}
