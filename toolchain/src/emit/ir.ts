// All LLVM IR text is printed here. The lowering stage calls these builders; no other
// module formats IR. Opaque pointers (`ptr`) throughout.

/** Two upper-case hex digits: the escape of a byte in IR names and strings. */
function hex2(b: number): string { return b.toString(16).toUpperCase().padStart(2, '0'); }

/** Quotes a global name so that any characters are allowed. */
export function globalName(name: string): string {
  if (/^[A-Za-z_.$][A-Za-z0-9_.$]*$/.test(name)) return `@${name}`;
  return `@"${name.replace(/[\\"]/g, (c) => '\\' + hex2(c.charCodeAt(0)))}"`;
}

/** An LLVM string constant body (c"...") from raw bytes. */
export function bytesLiteral(bytes: number[]): string {
  let s = '';
  for (const b of bytes) {
    s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : '\\' + hex2(b);
  }
  return `c"${s}"`;
}

export interface FnDecl {
  name: string; // already a global name (@...)
  ret: string;
  params: string[];
  cc: string; // '' or 'win64cc'
  attrs: string[];
}

export interface GlobalOpts {
  linkage: string;
  constant: boolean;
  type: string;
  init: string;
  align: number;
  section?: string;
}

export class ModuleBuilder {
  private header: string[] = [];
  private globals: string[] = [];
  private functions: string[] = [];
  private declared = new Map<string, string>();
  private defined = new Set<string>();
  private strings = new Map<string, string>();
  private attrGroups = new Map<string, number>();
  private meta: string[] = [];
  private metaCount = 0;
  private moduleFlags: string[] = [];

  constructor(triple: string) {
    this.header.push(`target triple = "${triple}"`);
  }

  /** A private constant string, deduplicated; returns its global name. */
  stringConstant(bytes: number[], elemBits: 8 | 16): string {
    const key = `${elemBits}:${bytes.join(',')}`;
    let name = this.strings.get(key);
    if (name) return name;
    name = `@.str.${this.strings.size}`;
    this.strings.set(key, name);
    const body = elemBits === 8
      ? `[${bytes.length} x i8] ${bytesLiteral(bytes)}`
      : `[${bytes.length} x i16] [${bytes.map((b) => `i16 ${b}`).join(', ')}]`;
    this.globals.push(`${name} = private unnamed_addr constant ${body}, align ${elemBits / 8}`);
    return name;
  }

  global(name: string, opts: GlobalOpts): void {
    const sec = opts.section ? `, section "${opts.section}"` : '';
    const linkage = opts.linkage ? opts.linkage + ' ' : '';
    const kind = opts.constant ? 'constant' : 'global';
    this.globals.push(`${name} = ${linkage}${kind} ${opts.type} ${opts.init}${sec}, align ${opts.align}`);
  }

  declare(d: FnDecl): void {
    if (this.declared.has(d.name)) return;
    const cc = d.cc ? `${d.cc} ` : '';
    this.declared.set(d.name, `declare ${cc}${d.ret} ${d.name}(${d.params.join(', ')})`);
  }

  declareRaw(name: string, text: string): void {
    if (!this.declared.has(name)) this.declared.set(name, text);
  }

  attrGroup(attrs: string[]): number {
    const key = attrs.join(' ');
    let id = this.attrGroups.get(key);
    if (id === undefined) { id = this.attrGroups.size; this.attrGroups.set(key, id); }
    return id;
  }

  addFunction(name: string, text: string): void {
    this.defined.add(name);
    this.functions.push(text);
  }

  /** Adds a metadata node and returns its reference (!N). */
  metadata(body: string, distinct = false): string {
    const id = `!${this.metaCount++}`;
    this.meta.push(`${id} = ${distinct ? 'distinct ' : ''}${body}`);
    return id;
  }

  moduleFlag(text: string): void { this.moduleFlags.push(text); }

  namedMetadata(name: string, refs: string[]): void { this.meta.push(`!${name} = !{${refs.join(', ')}}`); }

  toString(): string {
    const out = [...this.header, '', ...this.globals, ''];
    for (const [name, text] of this.declared) if (!this.defined.has(name)) out.push(text);
    out.push('', ...this.functions);
    for (const [key, id] of this.attrGroups) out.push(`attributes #${id} = { ${key} }`);
    if (this.moduleFlags.length) {
      const refs = this.moduleFlags.map((f) => this.metadata(`!{${f}}`));
      this.meta.push(`!llvm.module.flags = !{${refs.join(', ')}}`);
    }
    out.push(...this.meta);
    return out.join('\n') + '\n';
  }
}

/** Builds one function body: numbered temporaries, labelled blocks, allocas in the entry. */
export class FnBuilder {
  private allocas: string[] = [];
  private body: string[] = [];
  private tmp = 0;
  private labels = 0;
  /** True once the current block has a terminator; further code goes to a fresh dead block. */
  terminated = false;
  /** Metadata reference attached to instructions (debug locations), or ''. */
  dbg = '';
  /** The block being filled; the first is `body` (see finish). */
  private current = 'body';

  temp(): string { return `%t${this.tmp++}`; }
  label(hint: string): string { return `${hint}.${this.labels++}`; }

  private inst(text: string): void {
    if (this.terminated) this.startBlock(this.label('dead'));
    this.body.push(`  ${text}${this.dbg ? `, !dbg ${this.dbg}` : ''}`);
  }

  private value(text: string): string {
    const t = this.temp();
    this.inst(`${t} = ${text}`);
    return t;
  }

  startBlock(label: string): void {
    if (!this.terminated) this.body.push(`  br label %${label}`);
    this.body.push(`${label}:`);
    this.current = label;
    this.terminated = false;
  }

  alloca(type: string, align: number): string {
    const t = this.temp();
    this.allocas.push(`  ${t} = alloca ${type}, align ${align}`);
    return t;
  }

  binop(op: string, type: string, a: string, b: string): string { return this.value(`${op} ${type} ${a}, ${b}`); }
  icmp(pred: string, type: string, a: string, b: string): string {
    return this.value(`icmp ${pred} ${type} ${a}, ${b}`);
  }
  cast(op: string, from: string, v: string, to: string): string { return this.value(`${op} ${from} ${v} to ${to}`); }
  select(cond: string, type: string, a: string, b: string): string {
    return this.value(`select i1 ${cond}, ${type} ${a}, ${type} ${b}`);
  }

  load(type: string, p: string, align: number, isVolatile = false): string {
    return this.value(`load${isVolatile ? ' volatile' : ''} ${type}, ptr ${p}, align ${align}`);
  }

  store(type: string, v: string, p: string, align: number, isVolatile = false): void {
    this.inst(`store${isVolatile ? ' volatile' : ''} ${type} ${v}, ptr ${p}, align ${align}`);
  }

  /** Byte-offset address: p + off. */
  byteOffset(p: string, off: string, inbounds = false): string {
    return this.value(`getelementptr ${inbounds ? 'inbounds ' : ''}i8, ptr ${p}, i64 ${off}`);
  }
  /** Element address: p + i * sizeof(elem). */
  elemOffset(elemType: string, p: string, i: string, inbounds = false): string {
    return this.value(`getelementptr ${inbounds ? 'inbounds ' : ''}${elemType}, ptr ${p}, i64 ${i}`);
  }

  call(ret: string, callee: string, args: string[], cc = '', attrs = ''): string {
    const text = `call ${cc ? cc + ' ' : ''}${ret} ${callee}(${args.join(', ')})${attrs ? ' ' + attrs : ''}`;
    if (ret === 'void') { this.inst(text); return ''; }
    return this.value(text);
  }

  asm(ret: string, template: string, constraints: string, args: string[]): string {
    const esc = (s: string) => s.replace(/[\\"\n\t]/g, (c) => '\\' + hex2(c.charCodeAt(0)));
    const text = `call ${ret} asm sideeffect "${esc(template)}", "${esc(constraints)}"(${args.join(', ')})`;
    if (ret === 'void') { this.inst(text); return ''; }
    return this.value(text);
  }

  fence(order = 'seq_cst'): void { this.inst(`fence ${order}`); }

  // Atomics: `order` is an LLVM ordering (monotonic, acquire, release, acq_rel, seq_cst).
  atomicLoad(type: string, p: string, order: string, align: number): string {
    return this.value(`load atomic ${type}, ptr ${p} ${order}, align ${align}`);
  }

  atomicStore(type: string, v: string, p: string, order: string, align: number): void {
    this.inst(`store atomic ${type} ${v}, ptr ${p} ${order}, align ${align}`);
  }

  /** `atomicrmw op`: returns the old value. */
  atomicRmw(op: string, type: string, p: string, v: string, order: string, align: number): string {
    return this.value(`atomicrmw ${op} ptr ${p}, ${type} ${v} ${order}, align ${align}`);
  }

  /** `cmpxchg` (strong): returns the old value; it succeeded when that equals `cmp`. */
  cmpxchg(type: string, p: string, cmp: string, v: string, success: string, failure: string, align: number): string {
    const pair = this.value(`cmpxchg ptr ${p}, ${type} ${cmp}, ${type} ${v} ${success} ${failure}, align ${align}`);
    return this.value(`extractvalue { ${type}, i1 } ${pair}, 0`);
  }

  phi(type: string, incoming: Array<[string, string]>): string {
    return this.value(`phi ${type} ${incoming.map(([v, l]) => `[ ${v}, %${l} ]`).join(', ')}`);
  }

  br(label: string): void { this.terminate(`br label %${label}`); }
  condBr(cond: string, yes: string, no: string): void { this.terminate(`br i1 ${cond}, label %${yes}, label %${no}`); }
  ret(type: string, v?: string): void { this.terminate(type === 'void' ? 'ret void' : `ret ${type} ${v}`); }
  unreachable(): void { this.terminate('unreachable'); }
  switch(type: string, v: string, def: string, cases: Array<[string, string]>): void {
    const table = cases.map(([c, l]) => ` ${type} ${c}, label %${l}`).join('');
    this.terminate(`switch ${type} ${v}, label %${def} [${table} ]`);
  }

  private terminate(text: string): void {
    if (this.terminated) return; // code after a terminator is dead; drop its terminator too
    this.body.push(`  ${text}${this.dbg ? `, !dbg ${this.dbg}` : ''}`);
    this.terminated = true;
  }

  /** The label of the block currently being filled (for phi incoming edges). */
  currentLabel(): string { return this.current; }

  finish(header: string, retType: string): string {
    if (!this.terminated) {
      if (retType === 'void') this.ret('void'); else this.unreachable();
    }
    const allocas = this.allocas.map((a) => a + '\n').join('');
    return `${header} {\nentry:\n${allocas}  br label %body\nbody:\n${this.body.join('\n')}\n}\n`;
  }
}
