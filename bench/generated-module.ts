// The generated module of the compile-time benchmark (bench/compile-time.ts): about 1,000
// lines of varied, realistic subset code, the same every time (a fixed seed). Besides
// loops, switches, structs through pointers, mixed widths and recursion it uses the
// language's newer parts, so that their checking and lowering are measured too: classes
// with constructors, methods and getters, generic classes (one instance per element type,
// a struct among them), generic std helpers, template literals formatted into a buffer,
// for…of over a Slice, struct results with destructuring, `?.` with `??`, and arrow
// functions. `node build/js/bench/compile-time.js --print` writes it out.
/** A deterministic pseudo-random source so that the generated module is the same every time. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s >>> 0;
    return this.s;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  hex32(): string {
    return '0x' + this.next().toString(16).toUpperCase().padStart(8, '0');
  }
}

/**
 * One generated function: its source lines and the line of `main` that calls it (a
 * statement adding a u64 to `acc`).
 */
interface GenFn {
  lines: string[];
  call: string;
}

type Template = (k: number, r: Rng) => GenFn;

const TABLES = 4;

const TEMPLATES: Template[] = [
  // Hash mixing over a global table: shifts, rotations, wrapping adds.
  (k, r) => {
    const t = k % TABLES;
    const rot = r.int(3, 29);
    return {
      lines: [
        `/** Folds table${t} into a 32-bit hash (variant ${k}). */`,
        `export function mix${k}(seed: u32): u32 {`,
        `  let h: u32 = seed ^ ${r.hex32()};`,
        `  for (let i: u32 = 0; i < TABLE_LEN; i++) {`,
        `    const v: u32 = table${t}[i];`,
        `    h ^= v + ${r.hex32()} + (h << 6) + (h >>> 2);`,
        `    h = (h << ${rot}) | (h >>> ${32 - rot});`,
        `  }`,
        `  return h;`,
        `}`,
      ],
      call: `acc += u64(mix${k}(${r.int(1, 1000)}));`,
    };
  },
  // An enum-driven state machine with a switch.
  (k, r) => ({
    lines: [
      `/** One step of the packet parser (variant ${k}). */`,
      `export function step${k}(state: State, input: u8): State {`,
      `  let next: State = State.Error;`,
      `  switch (state) {`,
      `    case State.Idle:`,
      `      next = input == ${r.int(1, 255)} ? State.Header : State.Idle;`,
      `      break;`,
      `    case State.Header:`,
      `      if (input > ${r.int(1, 200)}) next = State.Body;`,
      `      break;`,
      `    case State.Body:`,
      `      next = input == 0 ? State.Done : State.Body;`,
      `      break;`,
      `    case State.Done:`,
      `    case State.Error:`,
      `      next = state;`,
      `      break;`,
      `    default:`,
      `      next = State.Error;`,
      `  }`,
      `  return next;`,
      `}`,
    ],
    call: `{ const s: u32 = step${k}(State.Idle, ${r.int(0, 255)}); acc += s; }`,
  }),
  // Struct fields through pointers.
  (k, r) => ({
    lines: [
      `/** Updates the first n entries and sums the present ones (variant ${k}). */`,
      `export function update${k}(p: Ptr<Entry>, n: u32): u64 {`,
      `  let total: u64 = 0;`,
      `  for (let i: u32 = 0; i < n; i++) {`,
      `    const e: Ptr<Entry> = ptrAdd(p, i);`,
      `    e.count += 1;`,
      `    e.base = e.base + u64(i) * ${r.int(2, 4096)};`,
      `    if ((e.flags & FLAG_PRESENT) != 0) {`,
      `      total += e.base;`,
      `    } else {`,
      `      e.flags |= FLAG_DIRTY;`,
      `      e.name[i & 15] = u8(i + ${r.int(0, 200)});`,
      `    }`,
      `  }`,
      `  return total;`,
      `}`,
    ],
    call: `acc += update${k}(addressOf(entries[0]), ${r.int(1, 32)});`,
  }),
  // Labelled loops with break and continue.
  (k, r) => ({
    lines: [
      `/** Counts small products up to limit, skipping multiples (variant ${k}). */`,
      `export function search${k}(limit: u32): u32 {`,
      `  let found: u32 = 0;`,
      `  outer: for (let i: u32 = 1; i < limit; i++) {`,
      `    for (let j: u32 = 1; j < ${r.int(5, 40)}; j++) {`,
      `      if ((i * j) % ${r.int(3, 17)} == 0) continue outer;`,
      `      if (i + j > limit) break outer;`,
      `      found += (i ^ j) & 0xFF;`,
      `    }`,
      `  }`,
      `  return found;`,
      `}`,
    ],
    call: `acc += u64(search${k}(${r.int(10, 200)}));`,
  }),
  // Mixed widths and explicit conversions.
  (k, r) => ({
    lines: [
      `/** Mixed-width arithmetic (variant ${k}). */`,
      `export function widen${k}(a: u8, b: i16, c: u32): i64 {`,
      `  const x: u16 = u16(a) * ${r.int(2, 250)};`,
      `  const y: i32 = i32(b) - ${r.int(1, 30000)};`,
      `  let z: i64 = i64(x) + i64(y) * ${r.int(2, 100000)};`,
      `  z += i64(c) >> 3;`,
      `  if (z < 0) z = -z;`,
      `  const w: u64 = u64(z) ^ ${r.hex32()}_${r.hex32().slice(2)};`,
      `  return i64(w >>> 1);`,
      `}`,
    ],
    call: `acc += u64(widen${k}(${r.int(0, 255)}, ${r.int(-30000, 30000)}, ${r.int(0, 100000)}));`,
  }),
  // Recursion and a do-while with a conditional expression.
  (k, r) => ({
    lines: [
      `/** Greatest common divisor, recursively (variant ${k}). */`,
      `export function gcd${k}(a: u64, b: u64): u64 {`,
      `  if (b == 0) return a;`,
      `  return gcd${k}(b, a % b);`,
      `}`,
      ``,
      `/** Collatz steps from start + ${k}, at most 1000. */`,
      `export function collatz${k}(start: u64): u32 {`,
      `  let n: u64 = start + ${r.int(1, 999)};`,
      `  let steps: u32 = 0;`,
      `  do {`,
      `    n = (n & 1) == 0 ? n >>> 1 : 3 * n + 1;`,
      `    steps++;`,
      `  } while (n != 1 && steps < 1000);`,
      `  return steps;`,
      `}`,
    ],
    call: `acc += gcd${k}(${r.int(100, 100000)}, ${r.int(100, 100000)}) + u64(collatz${k}(${r.int(1, 100)}));`,
  }),
  // Buffers, memcpy and byte sums.
  (k, r) => ({
    lines: [
      `/** Fills bufA, copies it to bufB and sums the copy (variant ${k}). */`,
      `export function fillCopy${k}(v: u8): u32 {`,
      `  for (let i: u32 = 0; i < BUF_LEN; i++) bufA[i] = u8(i * ${r.int(3, 251)}) ^ v;`,
      `  memcpy(addressOf(bufB[0]), addressOf(bufA[0]), BUF_LEN);`,
      `  let sum: u32 = 0;`,
      `  for (let i: u32 = 0; i < BUF_LEN; i++) sum += bufB[i];`,
      `  return sum;`,
      `}`,
    ],
    call: `acc += u64(fillCopy${k}(${r.int(0, 255)}));`,
  }),
  // A class with a constructor, a private field, a method and a getter.
  (k, r) => ({
    lines: [
      `/** A meter that refuses to go past its limit (variant ${k}). */`,
      `class Meter${k} {`,
      `  private total: u64 = 0;`,
      `  readonly limit: u64;`,
      `  constructor(limit: u64) { this.limit = limit; }`,
      `  add(x: u64): bool {`,
      `    if (this.total + x > this.limit) return false;`,
      `    this.total += x;`,
      `    return true;`,
      `  }`,
      `  get used(): u64 { return this.total; }`,
      `}`,
      ``,
      `export function meter${k}(n: u32): u64 {`,
      `  let m = new Meter${k}(${r.int(100, 10000)});`,
      `  for (let i: u32 = 0; i < n; i++) if (!m.add(u64(i) * ${r.int(1, 9)})) break;`,
      `  return m.used;`,
      `}`,
    ],
    call: `acc += meter${k}(${r.int(1, 100)});`,
  }),
  // A generic class of its own, instantiated with one integer type; for…of and max inside.
  (k, r) => {
    const T = ['u8', 'u16', 'u32', 'u64'][r.int(0, 3)];
    return {
      lines: [
        `/** The last eight values and the largest of them (variant ${k}). */`,
        `class Window${k}<T extends number> {`,
        `  private items: Arr<T, 8>;`,
        `  private at: u32 = 0;`,
        `  push(x: T): void { this.items[this.at % 8] = x; this.at++; }`,
        `  largest(): T {`,
        `    let best = this.items[0];`,
        `    for (const x of this.items) best = max(best, x);`,
        `    return best;`,
        `  }`,
        `}`,
        ``,
        `export function window${k}(seed: u32): u64 {`,
        `  let w = new Window${k}<${T}>();`,
        `  for (let i: u32 = 0; i < 12; i++) w.push(${T}(seed * i + ${r.int(1, 99)}));`,
        `  return u64(w.largest());`,
        `}`,
      ],
      call: `acc += window${k}(${r.int(1, 1000)});`,
    };
  },
  // A struct result and its destructuring, for…of over a Slice, `?.` with `??`, an arrow
  // function with an inferred result, and a template literal formatted into a buffer.
  (k, r) => ({
    lines: [
      `/** The smallest and largest of a slice (variant ${k}). */`,
      `export function span${k}(s: Slice<u32>, start: u32): Span {`,
      `  let lo = start;`,
      `  let hi: u32 = 0;`,
      `  for (const x of s) {`,
      `    lo = min(lo, x);`,
      `    hi = max(hi, x);`,
      `  }`,
      `  return { lo: u64(lo), hi: u64(hi) };`,
      `}`,
      ``,
      `/** Describes a span of table${k % TABLES} into the text buffer (variant ${k}). */`,
      `export function describe${k}(n: u32): u64 {`,
      `  const { lo, hi } = span${k}(table${k % TABLES}.sub(0, ${r.int(4, 64)}), ${r.hex32()});`,
      `  const first: Ptr<Node> = n > 4 ? addressOf(nodes[n & 7]) : null;`,
      `  const v: u32 = first?.next?.value ?? ${r.int(1, 99)};`,
      `  const scale = (x: u64, w: u32) => x * ${r.int(2, 9)} + u64(w);`,
      `  const len: usize = format(addressOf(text[0]), 128,`,
      `    \`span ${k}: \${lo}..\${hex(hi)} (\${size(hi - lo)}), v = \${v}, n = \${dec(n, 4)}\`);`,
      `  return scale(hi - lo, v) + u64(len);`,
      `}`,
    ],
    call: `acc += describe${k}(${r.int(0, 15)});`,
  }),
  // The shared generic class with a struct element type: a struct argument and result by value.
  (k, r) => ({
    lines: [
      `/** Spans through a ring and back (variant ${k}). */`,
      `export function ring${k}(n: u32): u64 {`,
      `  let q = new Ring<Span>();`,
      `  for (let i: u32 = 0; i < n; i++) q.push({ lo: u64(i), hi: u64(i) * ${r.int(2, 50)} });`,
      `  let sum: u64 = 0;`,
      `  while (q.length > 0) {`,
      `    const s = q.pop();`,
      `    sum += s.hi - s.lo;`,
      `  }`,
      `  return sum;`,
      `}`,
    ],
    call: `acc += ring${k}(${r.int(1, 8)});`,
  }),
];

/**
 * A subset module of about `targetLines` lines (never fewer) of varied, realistic code:
 * hashing over tables, an enum state machine, struct updates through pointers, labelled
 * loops, mixed-width arithmetic, recursion and memcpy, classes, generic classes, struct
 * results, template literals, for…of, `??` and arrow functions, all called from `main`.
 */
export function generateModule(targetLines = 1000): string {
  const r = new Rng(0x7359_B007);
  const head: string[] = [
    '// Generated by bench/compile-time.ts for the compile-time benchmark; not hand-written.',
    '',
    'const TABLE_LEN = 64;',
    'const BUF_LEN = 256;',
    'const FLAG_PRESENT: u32 = 1;',
    'const FLAG_DIRTY: u32 = 2;',
    '',
    'export enum State { Idle = 0, Header, Body, Done, Error }',
    '',
    'export interface Entry extends Struct {',
    '  base: u64;',
    '  count: u32;',
    '  flags: u32;',
    '  name: Arr<u8, 16>;',
    '}',
    '',
    'export interface Span extends Struct { lo: u64; hi: u64 }',
    'export interface Node extends Struct { value: u32; next: Ptr<Node> }',
    '',
    '/** A ring of up to eight values: a generic class, one instance per element type. */',
    'export class Ring<T> {',
    '  private buf: Arr<T, 8>;',
    '  private head: u32 = 0;',
    '  private count: u32 = 0;',
    '  push(x: T): bool {',
    '    if (this.count == 8) return false;',
    '    this.buf[(this.head + this.count) % 8] = x;',
    '    this.count++;',
    '    return true;',
    '  }',
    '  pop(): T {',
    '    const x = this.buf[this.head];',
    '    this.head = (this.head + 1) % 8;',
    '    this.count--;',
    '    return x;',
    '  }',
    '  get length(): u32 { return this.count; }',
    '}',
    '',
    'let entries: Arr<Entry, 32>;',
    'let nodes: Arr<Node, 8>;',
    'let text: Arr<u8, 128>;',
    'let bufA: Arr<u8, 256>;',
    'let bufB: Arr<u8, 256>;',
  ];
  for (let t = 0; t < TABLES; t++) head.push(`let table${t}: Arr<u32, 64>;`);
  head.push('');
  head.push('/** Seeds the tables and entries so that every function has data to work on. */');
  head.push('function init(): void {');
  head.push('  let s: u32 = 0x2545F491;');
  head.push('  for (let i: u32 = 0; i < TABLE_LEN; i++) {');
  head.push('    s ^= s << 13;');
  head.push('    s ^= s >>> 17;');
  head.push('    s ^= s << 5;');
  for (let t = 0; t < TABLES; t++) head.push(`    table${t}[i] = s + ${t};`);
  head.push('  }');
  head.push('  for (let i: u32 = 0; i < 32; i++) {');
  head.push('    entries[i].base = u64(i) << 12;');
  head.push('    entries[i].flags = i & 1;');
  head.push('  }');
  head.push('  for (let i: u32 = 0; i < 7; i++) { nodes[i].value = i * 3; nodes[i].next = addressOf(nodes[i + 1]); }');
  head.push('}');
  head.push('');

  const fns: GenFn[] = [];
  // main: a header, one line per call, a footer.
  const mainFixed = 8;
  let total = head.length + mainFixed;
  for (let k = 0; ; k++) {
    const fn = TEMPLATES[k % TEMPLATES.length](k, r);
    fns.push(fn);
    total += fn.lines.length + 1 + 1; // the blank line after it, and its call in main
    if (total >= targetLines) break;
  }
  const out = [...head];
  for (const fn of fns) out.push(...fn.lines, '');
  out.push('export function main(): i32 {');
  out.push('  init();');
  out.push('  let acc: u64 = 0;');
  for (const fn of fns) out.push('  ' + fn.call);
  out.push('  print("generated module checksum ");');
  out.push('  printU(acc);');
  out.push('  print("\\n");');
  out.push('  return 0;');
  out.push('}');
  return out.join('\n') + '\n';
}

