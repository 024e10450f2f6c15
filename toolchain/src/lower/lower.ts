// Lower stage: turns the checked program into LLVM IR through the builders in emit/ir.ts.
// Only functions reachable from the entry and from `@symbol` functions are emitted. Types
// and constant values come from the checker; this stage never decides a type itself.
import * as ts from 'typescript';
import * as path from 'path';
import { Checker } from '../check/checker';
import { FuncInfo, GlobalInfo } from '../check/entities';
import {
  Type, IntType, FnType, U8, U32, U64, I64, BOOL, VOID,
  isIntegral, asInt, sameType, sizeOf, alignOf, irType, irMemType,
} from '../check/types';
import { ModuleBuilder, FnBuilder, globalName } from '../emit/ir';
import { Target } from '../targets';
import { Diagnostics } from '../diagnostics';
import { lowerBuiltin } from './builtins';
import { DebugInfo } from './debuginfo';

const TS = ts.SyntaxKind;

export interface Place { addr: string; type: Type }

interface LoopTargets { brk: string; cont?: string; label?: string }

export class Lowerer {
  readonly mod: ModuleBuilder;
  b!: FnBuilder;
  fn!: FuncInfo;
  private locals = new Map<ts.Symbol, string>();
  private loops: LoopTargets[] = [];
  private pendingLabel: string | undefined;
  private queue: FuncInfo[] = [];
  private emitted = new Set<FuncInfo>();
  private globalsDone = new Set<GlobalInfo>();
  readonly dbg: DebugInfo | undefined;

  constructor(readonly c: Checker, readonly target: Target, readonly d: Diagnostics, debug: boolean) {
    this.mod = new ModuleBuilder(target.triple);
    this.dbg = debug ? new DebugInfo(this.mod, target) : undefined;
  }

  run(): string {
    const roots = this.c.funcs.filter((f) => !f.external && (f.tags.symbol || f === this.c.entryMain));
    for (const f of roots) this.want(f);
    while (this.queue.length) this.lowerFunction(this.queue.shift()!);
    return this.mod.toString();
  }

  // ---- names and declarations -----------------------------------------------------

  cc(t: FnType): string { return t.efiapi && this.target.arch === 'x86_64' ? 'win64cc' : ''; }

  /** Requests a function's emission and returns its global name. */
  want(f: FuncInfo): string {
    const name = globalName(f.irName);
    if (f.external) {
      this.mod.declare({ name, ret: irType(f.type.ret), params: f.type.params.map(irType), cc: this.cc(f.type), attrs: [] });
    } else if (!this.emitted.has(f)) {
      this.emitted.add(f);
      this.queue.push(f);
    }
    return name;
  }

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
    this.mod.global(name, { linkage: 'internal', constant: g.isConst, type: ty, init, align: Math.max(1, alignOf(g.type)) });
    return name;
  }

  // ---- static initialisers ----------------------------------------------------------

  /** An IR constant for a global's initialiser. `zero` when every byte is zero. */
  staticInit(e: ts.Expression, t: Type): { ty: string; val: string; zero: boolean } {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const cv = this.c.consts.get(e);
    if (cv !== undefined && (isIntegral(t) || t.kind === 'bool')) {
      const it = t.kind === 'bool' ? 'i8' : irType(t);
      return { ty: it, val: String(cv), zero: cv === 0n };
    }
    if (t.kind === 'struct') {
      if (ts.isObjectLiteralExpression(e)) {
        const parts: string[] = [];
        let off = 0;
        let zero = true;
        for (const f of t.info.fields) {
          if (f.offset > off) parts.push(`[${f.offset - off} x i8] zeroinitializer`);
          const p = e.properties.find((x) => ts.isPropertyAssignment(x) && (x.name as ts.Identifier).text === f.name) as ts.PropertyAssignment | undefined;
          const s = p ? this.staticInit(p.initializer, f.type) : { ty: `[${sizeOf(f.type)} x i8]`, val: 'zeroinitializer', zero: true };
          zero &&= s.zero;
          parts.push(`${s.ty} ${s.val}`);
          off = f.offset + sizeOf(f.type);
        }
        if (t.info.size > off) parts.push(`[${t.info.size - off} x i8] zeroinitializer`);
        return { ty: this.packedType(parts), val: `<{ ${parts.join(', ')} }>`, zero };
      }
      return { ty: `[${t.info.size} x i8]`, val: 'zeroinitializer', zero: true }; // zeroed<T>()
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
      return { ty: `[${sizeOf(t)} x i8]`, val: 'zeroinitializer', zero: true };
    }
    // Pointer-like values.
    if (e.kind === TS.NullKeyword) return { ty: 'ptr', val: 'null', zero: true };
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
      return { ty: 'ptr', val: this.stringConst(e.text, t.kind === 'str' ? t.wide : (t.kind === 'ptr' && t.to.kind === 'int' && t.to.bits === 16)), zero: false };
    }
    if (ts.isIdentifier(e)) {
      const ent = this.c.entityOf(e);
      if (ent?.kind === 'func') return { ty: 'ptr', val: this.want(ent), zero: false };
    }
    if (ts.isCallExpression(e)) {
      const k = this.c.calls.get(e);
      if (k?.kind === 'builtin') {
        if (k.name === 'addressOf') {
          const ent = this.c.entityOf(e.arguments[0] as ts.Identifier);
          if (ent?.kind === 'global') return { ty: 'ptr', val: this.global(ent), zero: false };
        }
        if (k.name === 'cast') return this.staticInit(e.arguments[0], this.c.types.get(e.arguments[0])!);
        if (k.name === 'ptr') {
          const v = this.c.consts.get(e.arguments[0]) ?? 0n;
          return { ty: 'ptr', val: v === 0n ? 'null' : `inttoptr (i64 ${v} to ptr)`, zero: v === 0n };
        }
        if (k.name === 'zeroed') return { ty: `[${sizeOf(t)} x i8]`, val: 'zeroinitializer', zero: true };
      }
    }
    return { ty: `[${sizeOf(t)} x i8]`, val: 'zeroinitializer', zero: true };
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

  // ---- functions --------------------------------------------------------------------

  private lowerFunction(f: FuncInfo): void {
    this.fn = f;
    this.b = new FnBuilder();
    this.locals = new Map();
    this.loops = [];
    const t = f.type;
    const attrs = [...this.target.fnAttrs];
    if (f.tags.inline) attrs.push('alwaysinline');
    if (f.tags.noinline || f.tags.naked) attrs.push('noinline');
    if (f.tags.naked) attrs.push('naked');
    if (f.tags.nobuiltins) attrs.push('"no-builtins"');
    if (t.ret.kind === 'never') attrs.push('noreturn');
    const linkage = f.tags.symbol || f === this.c.entryMain ? '' : 'internal ';
    const cc = this.cc(t);
    const params = t.params.map((p, i) => `${irType(p)} %p${i}`);
    const sp = this.dbg?.subprogram(f);
    const header = `define ${linkage}${cc ? cc + ' ' : ''}${irType(t.ret)} ${globalName(f.irName)}(${params.join(', ')}) #${this.mod.attrGroup(attrs)}${sp ? ` !dbg ${sp}` : ''}`;
    if (!f.tags.naked) {
      t.params.forEach((p, i) => {
        const a = this.b.alloca(irMemType(p), Math.max(1, alignOf(p)));
        this.storeScalar(p, `%p${i}`, a);
        if (f.params[i]) this.locals.set(f.params[i], a);
      });
    }
    const body = f.decl.body!;
    if (f.tags.naked) {
      for (const st of body.statements) this.stmt(st);
      this.b.unreachable();
    } else {
      this.stmt(body);
    }
    this.mod.addFunction(globalName(f.irName), this.b.finish(header, irType(t.ret)));
  }

  private at(node: ts.Node): void {
    if (this.dbg) this.b.dbg = this.dbg.location(node);
  }

  // ---- statements ---------------------------------------------------------------------

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
      case TS.BreakStatement: case TS.ContinueStatement: {
        const b = s as ts.BreakStatement;
        const isBreak = s.kind === TS.BreakStatement;
        const t = b.label ? this.loops.slice().reverse().find((l) => l.label === b.label!.text) : this.loops.slice().reverse().find((l) => isBreak || l.cont);
        if (t) this.b.br(isBreak ? t.brk : t.cont!);
        return;
      }
      case TS.ReturnStatement: {
        const r = s as ts.ReturnStatement;
        const rt = this.fn.type.ret;
        if (r.expression && rt.kind !== 'void' && rt.kind !== 'never') this.b.ret(irType(rt), this.value(r.expression, rt));
        else {
          if (r.expression) this.effect(r.expression);
          if (rt.kind === 'never') this.b.unreachable(); else this.b.ret('void');
        }
        return;
      }
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

  private local(d: ts.VariableDeclaration): void {
    if (!ts.isIdentifier(d.name)) return;
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

  private takeLabel(): string | undefined { const l = this.pendingLabel; this.pendingLabel = undefined; return l; }

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
    const head = this.b.label('for.cond'), body = this.b.label('for.body'), step = this.b.label('for.step'), end = this.b.label('for.end');
    this.b.startBlock(head);
    if (s.condition) this.condBranch(s.condition, body, end); else this.b.br(body);
    this.b.startBlock(body);
    this.loops.push({ brk: end, cont: step, label });
    this.stmt(s.statement);
    this.loops.pop();
    this.b.startBlock(step);
    if (s.incrementor) this.effect(s.incrementor);
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
    let def = end;
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
    this.b.startBlock(end);
  }

  // ---- places -------------------------------------------------------------------------

  symbolOf(id: ts.Identifier): ts.Symbol | undefined {
    return this.c.symbolOf(id);
  }

  place(e: ts.Expression): Place {
    while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    const t = this.c.types.get(e)!;
    if (ts.isIdentifier(e)) {
      const sym = this.symbolOf(e)!;
      const ent = this.c.entities.get(sym);
      if (ent?.kind === 'local') return { addr: this.locals.get(sym)!, type: t };
      if (ent?.kind === 'global') return { addr: this.global(ent), type: t };
    }
    if (ts.isPropertyAccessExpression(e)) {
      const ot = this.c.types.get(e.expression)!;
      const info = ot.kind === 'struct' ? ot.info : ot.kind === 'ptr' && ot.to.kind === 'struct' ? ot.to.info : undefined;
      const f = info && this.c.field(info, e.name.text);
      if (f) {
        const base = ot.kind === 'ptr' ? this.value(e.expression) : this.place(e.expression).addr;
        return { addr: f.offset ? this.b.byteOffset(base, String(f.offset), true) : base, type: f.type };
      }
    }
    if (ts.isElementAccessExpression(e)) {
      const ot = this.c.types.get(e.expression)!;
      const base = ot.kind === 'ptr' ? this.value(e.expression) : this.place(e.expression).addr;
      const elem = ot.kind === 'ptr' ? ot.to : ot.kind === 'array' ? ot.elem : U8;
      const idx = this.index(e.argumentExpression);
      const c = this.c.consts.get(e.argumentExpression);
      if (c === 0n) return { addr: base, type: elem };
      return { addr: this.b.elemOffset(this.elemType(elem), base, idx, true), type: elem };
    }
    // A temporary aggregate (e.g. zeroed<T>()): materialise it.
    const tmp = this.b.alloca(irMemType(t), Math.max(1, alignOf(t)));
    this.assignTo({ addr: tmp, type: t }, e);
    return { addr: tmp, type: t };
  }

  /** An element type for getelementptr scaling: its size is what matters. */
  elemType(t: Type): string {
    return t.kind === 'struct' || t.kind === 'array' ? `[${sizeOf(t)} x i8]` : irMemType(t);
  }

  /** An index or count as i64 (sign- or zero-extended by its type). */
  index(e: ts.Expression): string {
    const t = this.c.types.get(e)!;
    const v = this.value(e);
    return this.convert(v, t.kind === 'untyped' ? I64 : t, t.kind === 'int' && t.signed ? I64 : U64);
  }

  // ---- loads, stores and copies -------------------------------------------------------

  loadScalar(t: Type, addr: string, isVolatile = false): string {
    const a = Math.max(1, alignOf(t));
    if (t.kind === 'bool') {
      const v = this.b.load('i8', addr, 1, isVolatile);
      return this.b.cast('trunc', 'i8', v, 'i1');
    }
    return this.b.load(irMemType(t), addr, a, isVolatile);
  }

  storeScalar(t: Type, v: string, addr: string, isVolatile = false): void {
    if (t.kind === 'bool') {
      const x = this.b.cast('zext', 'i1', v, 'i8');
      this.b.store('i8', x, addr, 1, isVolatile);
      return;
    }
    this.b.store(irMemType(t), v, addr, Math.max(1, alignOf(t)), isVolatile);
  }

  memcpy(dst: string, src: string, n: number): void {
    this.mod.declareRaw('llvm.memcpy', 'declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)');
    this.b.call('void', '@llvm.memcpy.p0.p0.i64', [`ptr ${dst}`, `ptr ${src}`, `i64 ${n}`, 'i1 false']);
  }

  zero(addr: string, t: Type): void {
    if (t.kind === 'struct' || t.kind === 'array') {
      this.mod.declareRaw('llvm.memset', 'declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)');
      this.b.call('void', '@llvm.memset.p0.i64', [`ptr ${addr}`, 'i8 0', `i64 ${sizeOf(t)}`, 'i1 false']);
    } else this.storeScalar(t, t.kind === 'bool' ? 'false' : isIntegral(t) ? '0' : 'null', addr);
  }

  /** Stores the value of `e` into a place, copying aggregates. */
  assignTo(p: Place, e: ts.Expression): void {
    const t = p.type;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (t.kind === 'struct' || t.kind === 'array') {
      if (ts.isObjectLiteralExpression(e) && t.kind === 'struct') {
        this.zero(p.addr, t);
        for (const prop of e.properties) {
          if (!ts.isPropertyAssignment(prop)) continue;
          const f = this.c.field(t.info, (prop.name as ts.Identifier).text)!;
          this.assignTo({ addr: f.offset ? this.b.byteOffset(p.addr, String(f.offset)) : p.addr, type: f.type }, prop.initializer);
        }
        return;
      }
      if (ts.isArrayLiteralExpression(e) && t.kind === 'array') {
        this.zero(p.addr, t);
        e.elements.forEach((x, i) => {
          const at = i ? this.b.byteOffset(p.addr, String(i * sizeOf(t.elem))) : p.addr;
          this.assignTo({ addr: at, type: t.elem }, x);
        });
        return;
      }
      if (ts.isCallExpression(e) && this.c.calls.get(e)?.kind === 'builtin' && (this.c.calls.get(e) as any).name === 'zeroed') {
        this.zero(p.addr, t);
        return;
      }
      const src = this.place(e);
      if (src.addr !== p.addr) this.memcpy(p.addr, src.addr, sizeOf(t));
      return;
    }
    this.storeScalar(t, this.value(e, t), p.addr);
  }

  // ---- values -------------------------------------------------------------------------

  constant(v: bigint, t: Type): string {
    if (t.kind === 'bool') return v ? 'true' : 'false';
    if (t.kind === 'ptr' || t.kind === 'str' || t.kind === 'fn') return v === 0n ? 'null' : `inttoptr (i64 ${v} to ptr)`;
    return String(v);
  }

  /** Converts a value between types the checker allowed (implicitly or explicitly). */
  convert(v: string, from: Type, to: Type): string {
    if (sameType(from, to) || from.kind === 'never') return v;
    if (to.kind === 'bool') {
      if (from.kind === 'bool') return v;
      return this.b.icmp('ne', irType(from), v, '0');
    }
    if (from.kind === 'null') return 'null';
    const fi = irType(from), ti = irType(to);
    if ((isIntegral(from) || from.kind === 'bool') && isIntegral(to)) {
      const fb = from.kind === 'bool' ? 1 : asInt(from).bits;
      const tb = asInt(to).bits;
      if (fb === tb) return v;
      if (fb > tb) return this.b.cast('trunc', fi, v, ti);
      const signed = from.kind === 'int' && from.signed;
      return this.b.cast(signed ? 'sext' : 'zext', fi, v, ti);
    }
    return v; // pointer-like to pointer-like: all `ptr`
  }

  /** The value of an expression, converted to `want` when given. */
  value(e: ts.Expression, want?: Type): string {
    const t = this.c.types.get(e) ?? VOID;
    const c = this.c.consts.get(e);
    if (c !== undefined) {
      const ct = t.kind === 'untyped' ? (want && (isIntegral(want) || want.kind === 'bool') ? want : I64) : t;
      const k = this.constant(c, ct);
      return want ? this.convert(k, ct, want) : k;
    }
    const v = this.valueInner(e, t);
    return want ? this.convert(v, t, want) : v;
  }

  effect(e: ts.Expression): void {
    const t = this.c.types.get(e);
    if (this.c.consts.has(e) && !ts.isCallExpression(e)) return;
    if (t && (t.kind === 'struct' || t.kind === 'array') && !ts.isBinaryExpression(e) && !ts.isCallExpression(e)) return;
    this.valueInner(e, t ?? VOID);
  }

  private valueInner(e: ts.Expression, t: Type): string {
    this.at(e);
    switch (e.kind) {
      case TS.ParenthesizedExpression: return this.value((e as ts.ParenthesizedExpression).expression);
      case TS.NonNullExpression: return this.value((e as ts.NonNullExpression).expression);
      case TS.NullKeyword: return 'null';
      case TS.StringLiteral: case TS.NoSubstitutionTemplateLiteral:
        return this.stringConst((e as ts.StringLiteral).text, t.kind === 'str' && t.wide);
      case TS.Identifier: {
        const ent = this.c.entityOf(e as ts.Identifier);
        if (ent?.kind === 'func') return this.want(ent);
        if (!ent) {
          const std = this.c.stdByName.get((e as ts.Identifier).text);
          if (std) return this.want(std);
        }
        return this.loadPlace(e, t);
      }
      case TS.PropertyAccessExpression: case TS.ElementAccessExpression: return this.loadPlace(e, t);
      case TS.CallExpression: return this.call(e as ts.CallExpression, t);
      case TS.PrefixUnaryExpression: return this.prefix(e as ts.PrefixUnaryExpression, t);
      case TS.PostfixUnaryExpression: {
        const p = e as ts.PostfixUnaryExpression;
        return this.incdec(p.operand, p.operator === TS.PlusPlusToken ? 'add' : 'sub', false);
      }
      case TS.BinaryExpression: return this.binary(e as ts.BinaryExpression, t);
      case TS.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const yes = this.b.label('cond.true'), no = this.b.label('cond.false'), end = this.b.label('cond.end');
        this.condBranch(c.condition, yes, no);
        this.b.startBlock(yes);
        const a = this.value(c.whenTrue, t);
        const al = this.b.currentLabel();
        this.b.br(end);
        this.b.startBlock(no);
        const bv = this.value(c.whenFalse, t);
        const bl = this.b.currentLabel();
        this.b.br(end);
        this.b.startBlock(end);
        return this.b.phi(irType(t), [[a, al], [bv, bl]]);
      }
      case TS.AsExpression: {
        const a = e as ts.AsExpression;
        return this.value(a.expression, t);
      }
      default: return 'poison';
    }
  }

  private loadPlace(e: ts.Expression, t: Type): string {
    const p = this.place(e);
    if (t.kind === 'struct' || t.kind === 'array') return p.addr;
    return this.loadScalar(t, p.addr);
  }

  // ---- operators ------------------------------------------------------------------------

  private prefix(e: ts.PrefixUnaryExpression, t: Type): string {
    switch (e.operator) {
      case TS.PlusPlusToken: return this.incdec(e.operand, 'add', true);
      case TS.MinusMinusToken: return this.incdec(e.operand, 'sub', true);
      case TS.ExclamationToken: return this.b.binop('xor', 'i1', this.value(e.operand, BOOL), 'true');
      case TS.PlusToken: return this.value(e.operand, t);
      case TS.MinusToken: return this.b.binop('sub', irType(t), '0', this.value(e.operand, t));
      case TS.TildeToken: return this.b.binop('xor', irType(t), this.value(e.operand, t), '-1');
    }
    return 'poison';
  }

  private incdec(operand: ts.Expression, op: 'add' | 'sub', prefix: boolean): string {
    const p = this.place(operand);
    const old = this.loadScalar(p.type, p.addr);
    const nv = this.b.binop(op, irType(p.type), old, '1');
    this.storeScalar(p.type, nv, p.addr);
    return prefix ? nv : old;
  }

  private binary(e: ts.BinaryExpression, t: Type): string {
    const op = e.operatorToken.kind;
    if (op === TS.EqualsToken) {
      const p = this.place(e.left);
      this.assignTo(p, e.right);
      return p.type.kind === 'struct' || p.type.kind === 'array' ? p.addr : this.loadScalar(p.type, p.addr);
    }
    if (op in Checker.COMPOUND) {
      const p = this.place(e.left);
      const old = this.loadScalar(p.type, p.addr);
      const nv = this.arith(Checker.COMPOUND[op], p.type as IntType, old, e.right, e);
      this.storeScalar(p.type, nv, p.addr);
      return nv;
    }
    if (op === TS.AmpersandAmpersandToken || op === TS.BarBarToken) {
      const rhs = this.b.label('logic.rhs'), end = this.b.label('logic.end');
      const l = this.value(e.left, BOOL);
      const ll = this.b.currentLabel();
      if (op === TS.AmpersandAmpersandToken) this.b.condBr(l, rhs, end); else this.b.condBr(l, end, rhs);
      this.b.startBlock(rhs);
      const r = this.value(e.right, BOOL);
      const rl = this.b.currentLabel();
      this.b.br(end);
      this.b.startBlock(end);
      return this.b.phi('i1', [[op === TS.AmpersandAmpersandToken ? 'false' : 'true', ll], [r, rl]]);
    }
    if (op in Checker.COMPARE) return this.compare(e, Checker.COMPARE[op]);
    const lt = t.kind === 'enum' ? U32 : (t as IntType);
    return this.arith(op, lt, this.value(e.left, lt), e.right, e);
  }

  /** `l op right` in type t, with tsboot's defined semantics for shifts and division. */
  private arith(op: number, t: IntType, l: string, right: ts.Expression, node: ts.Node): string {
    const ty = irType(t);
    const isShift = op === TS.LessThanLessThanToken || op === TS.GreaterThanGreaterThanToken || op === TS.GreaterThanGreaterThanGreaterThanToken;
    if (isShift) {
      const rt = this.c.types.get(right)!;
      const count = this.value(right, rt.kind === 'untyped' ? t : undefined);
      const fromT = rt.kind === 'untyped' ? t : rt;
      const n = this.convertCount(count, fromT, t);
      const masked = this.b.binop('and', ty, n, String(t.bits - 1));
      const inst = op === TS.LessThanLessThanToken ? 'shl' : op === TS.GreaterThanGreaterThanGreaterThanToken || !t.signed ? 'lshr' : 'ashr';
      return this.b.binop(inst, ty, l, masked);
    }
    const r = this.value(right, t);
    switch (op) {
      case TS.PlusToken: return this.b.binop('add', ty, l, r);
      case TS.MinusToken: return this.b.binop('sub', ty, l, r);
      case TS.AsteriskToken: return this.b.binop('mul', ty, l, r);
      case TS.AmpersandToken: return this.b.binop('and', ty, l, r);
      case TS.BarToken: return this.b.binop('or', ty, l, r);
      case TS.CaretToken: return this.b.binop('xor', ty, l, r);
      case TS.SlashToken: case TS.PercentToken: return this.divide(op === TS.SlashToken, t, l, r, right, node);
    }
    return 'poison';
  }

  private convertCount(v: string, from: Type, to: IntType): string {
    const fb = asInt(from).bits;
    if (fb === to.bits) return v;
    return fb > to.bits ? this.b.cast('trunc', `i${fb}`, v, irType(to)) : this.b.cast('zext', `i${fb}`, v, irType(to));
  }

  private divide(isDiv: boolean, t: IntType, l: string, r: string, right: ts.Expression, node: ts.Node): string {
    const ty = irType(t);
    const c = this.c.consts.get(right);
    if (c === undefined || c === 0n) {
      // Division by zero panics with file:line.
      const zero = this.b.icmp('eq', ty, r, '0');
      const bad = this.b.label('div.zero'), ok = this.b.label('div.ok');
      this.b.condBr(zero, bad, ok);
      this.b.startBlock(bad);
      this.panicAt('division by zero', node);
      this.b.startBlock(ok);
    }
    let divisor = r;
    if (t.signed && (c === undefined || c === -1n)) {
      // MIN / -1 overflows in hardware; tsboot defines it to wrap to MIN (remainder 0):
      // dividing MIN by 1 instead gives exactly that.
      const min = String(-(1n << BigInt(t.bits - 1)));
      const isMin = this.b.icmp('eq', ty, l, min);
      const isNeg1 = this.b.icmp('eq', ty, r, '-1');
      const both = this.b.binop('and', 'i1', isMin, isNeg1);
      divisor = this.b.select(both, ty, '1', r);
    }
    const inst = isDiv ? (t.signed ? 'sdiv' : 'udiv') : (t.signed ? 'srem' : 'urem');
    return this.b.binop(inst, ty, l, divisor);
  }

  private compare(e: ts.BinaryExpression, sym: string): string {
    const lt = this.c.types.get(e.left)!, rt = this.c.types.get(e.right)!;
    let t: Type;
    const norm = (x: Type) => (x.kind === 'enum' ? U32 : x);
    if (isIntegral(lt) && isIntegral(rt)) {
      const a = norm(lt), b = norm(rt);
      if (a.kind === 'untyped') t = b.kind === 'untyped' ? I64 : b;
      else if (b.kind === 'untyped') t = a;
      else t = (a as IntType).bits >= (b as IntType).bits && (this.c.implicitly(b, a)) ? a : b;
    } else if (lt.kind === 'bool') t = BOOL;
    else t = { kind: 'ptr', to: VOID };
    const l = this.value(e.left, t), r = this.value(e.right, t);
    const signed = t.kind === 'int' && t.signed;
    const pred = { '==': 'eq', '!=': 'ne', '<': signed ? 'slt' : 'ult', '<=': signed ? 'sle' : 'ule', '>': signed ? 'sgt' : 'ugt', '>=': signed ? 'sge' : 'uge' }[sym]!;
    return this.b.icmp(pred, irType(t), l, r);
  }

  condBranch(e: ts.Expression, yes: string, no: string): void {
    const c = this.c.consts.get(e);
    if (c !== undefined) { this.b.br(c ? yes : no); return; }
    this.b.condBr(this.value(e, BOOL), yes, no);
  }

  // ---- calls ----------------------------------------------------------------------------

  private call(e: ts.CallExpression, t: Type): string {
    const k = this.c.calls.get(e);
    if (!k) return 'poison';
    switch (k.kind) {
      case 'convert': {
        const a = e.arguments[0];
        const at = this.c.types.get(a)!;
        return this.convert(this.value(a), at.kind === 'untyped' ? I64 : at, k.to);
      }
      case 'direct': return this.emitCall(this.want(k.f), k.f.type, e.arguments);
      case 'indirect': return this.emitCall(this.value(e.expression), k.type, e.arguments);
      case 'builtin': return lowerBuiltin(this, e, k.name, k.typeArg, t);
    }
  }

  emitCall(callee: string, ft: FnType, args: readonly ts.Expression[]): string {
    const vals = ft.params.map((p, i) => `${irType(p)} ${this.value(args[i], p)}`);
    const r = this.b.call(irType(ft.ret), callee, vals, this.cc(ft));
    if (ft.ret.kind === 'never') this.b.unreachable();
    return r;
  }

  /** Calls the std's panicAt(msg, file, line), which does not return. */
  panicAt(msg: string, node: ts.Node, msgValue?: string): void {
    const f = this.c.stdByName.get('panicAt');
    if (!f) { this.b.unreachable(); return; }
    const sf = node.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const rel = path.relative(process.cwd(), sf.fileName);
    const file = rel.startsWith('..') ? path.resolve(sf.fileName) : rel;
    const m = msgValue ?? this.stringConst(msg, false);
    this.b.call('void', this.want(f), [`ptr ${m}`, `ptr ${this.stringConst(file, false)}`, `i32 ${line}`]);
    this.b.unreachable();
  }
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

