// The loader's ELF validator (common/elf.ts), compiled for x86_64-linux through the
// tests/subset/elfcheck driver, fed a valid synthetic kernel, the real kernel, and one
// corrupt variant per check (and per field a check reports). Every corruption must be
// rejected with its own message, which names the failing field and gives its value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot, bootArtifacts } from '../../scripts/paths';
import { buildArch } from '../../scripts/build';

const BASE = 0xffffffff80000000n;

interface Seg {
  type?: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: bigint;
  align?: bigint;
}

interface ElfSpec {
  cls?: number;
  data?: number;
  type?: number;
  machine?: number;
  entry: bigint;
  phnum?: number;
  segs: Seg[];
  fileSize?: number;
}

/** A minimal ELF64 image: header, program headers at 64, segment bytes where `offset` says. */
function makeElf(s: ElfSpec): Buffer {
  const size = s.fileSize ?? 0x4000;
  const b = Buffer.alloc(Math.max(size, 64 + 56 * s.segs.length));
  b.write('\x7fELF', 0, 'latin1');
  b[4] = s.cls ?? 2;
  b[5] = s.data ?? 1;
  b[6] = 1;
  b.writeUInt16LE(s.type ?? 2, 16);
  b.writeUInt16LE(s.machine ?? 62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(s.entry, 24);
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(64, 52); // e_ehsize
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(s.phnum ?? s.segs.length, 56);
  s.segs.forEach((g, i) => {
    const o = 64 + 56 * i;
    b.writeUInt32LE(g.type ?? 1, o);
    b.writeUInt32LE(g.flags, o + 4);
    b.writeBigUInt64LE(BigInt(g.offset), o + 8);
    b.writeBigUInt64LE(g.vaddr, o + 16);
    b.writeBigUInt64LE(g.vaddr, o + 24);
    b.writeBigUInt64LE(BigInt(g.filesz), o + 32);
    b.writeBigUInt64LE(g.memsz, o + 40);
    b.writeBigUInt64LE(g.align ?? 0x1000n, o + 48);
    for (let k = 0; k < g.filesz && g.offset + k < b.length; k++) b[g.offset + k] = (i * 16 + k) & 0xff;
  });
  return size < b.length ? b.subarray(0, size) : b;
}

/** text R-X, rodata R--, data+bss RW-, like linker/kernel.ld produces. */
function good(): ElfSpec {
  return {
    entry: BASE + 0x10n,
    segs: [
      { flags: 5, offset: 0x1000, vaddr: BASE, filesz: 0x100, memsz: 0x100n },
      { flags: 4, offset: 0x2000, vaddr: BASE + 0x1000n, filesz: 0x80, memsz: 0x80n },
      { flags: 6, offset: 0x3000, vaddr: BASE + 0x2000n, filesz: 0x10, memsz: 0x2000n },
    ],
  };
}

function variant(f: (s: ElfSpec) => void): Buffer {
  const s = good();
  f(s);
  return makeElf(s);
}

const E = (v: bigint) => `0x${v.toString(16)}`;

// name, file bytes, a distinctive part of the expected message, and the field the message
// must report with its value (`<field> = 0x...`), optionally of which program header.
const CASES: [string, () => Buffer, string, string][] = [
  ['bad magic', () => { const b = makeElf(good()); b[1] = 0x58; return b; }, 'bad magic', 'e_ident[0..3] = 0x7f584c46'],
  ['wrong machine (aarch64 kernel)', () => variant((s) => { s.machine = 183; }), 'wrong machine', 'e_machine = 0xb7'],
  ['32-bit class', () => variant((s) => { s.cls = 1; }), 'not a 64-bit ELF', 'e_ident[EI_CLASS] = 0x1'],
  ['big-endian', () => variant((s) => { s.data = 2; }), 'not a little-endian', 'e_ident[EI_DATA] = 0x2'],
  ['e_ident[EI_VERSION] 0', () => { const b = makeElf(good()); b[6] = 0; return b; }, 'unknown ELF version', 'e_ident[EI_VERSION] = 0x0'],
  ['e_version 2', () => { const b = makeElf(good()); b.writeUInt32LE(2, 20); return b; }, 'unknown ELF version', 'e_version = 0x2'],
  ['shared object (ET_DYN)', () => variant((s) => { s.type = 3; }), 'not an executable', 'e_type = 0x3'],
  ['truncated ELF header', () => makeElf(good()).subarray(0, 40), 'smaller than an ELF64 header', 'file size = 0x28'],
  ['program headers past the end', () => { const b = makeElf(good()); b.writeBigUInt64LE(0x10000n, 32); return b; }, 'program headers (e_phoff, e_phnum) extend past the end', 'e_phoff = 0x10000'],
  ['truncated program headers', () => makeElf(good()).subarray(0, 64 + 56 + 20), 'program headers (e_phoff, e_phnum) extend past the end', 'e_phnum = 0x3'],
  ['truncated segment', () => makeElf(good()).subarray(0, 0x1080), "segment's file bytes (p_offset, p_filesz) extend past the end", 'program header 0, p_filesz = 0x100'],
  ['segment offset past the end', () => variant((s) => { s.segs[1].offset = 0x5000; }), "segment's file bytes (p_offset, p_filesz) extend past the end", 'program header 1, p_offset = 0x5000'],
  ['no program headers', () => variant((s) => { s.phnum = 0; }), 'no program headers', 'e_phnum = 0x0'],
  ['no PT_LOAD', () => variant((s) => { for (const g of s.segs) g.type = 4; }), 'no PT_LOAD segment maps anything', 'e_phnum = 0x3'],
  ['overlapping segments', () => variant((s) => { s.segs[1].vaddr = BASE; }), 'overlap', `program header 1, overlapping program header 0, p_vaddr = ${E(BASE)}`],
  ['huge memsz', () => variant((s) => { s.segs[2].memsz = 0x7fff_ffff_0000n; }), 'too large', 'program header 2, p_memsz = 0x7fffffff0000'],
  ['span too large', () => variant((s) => { s.segs[2].vaddr = BASE + 0x4000_0000n; }), 'span too much address space', 'span = 0x40002000'],
  ['memsz below filesz', () => variant((s) => { s.segs[1].memsz = 0x10n; }), 'p_memsz smaller than p_filesz', 'program header 1, p_memsz = 0x10'],
  ['p_align below a page', () => variant((s) => { s.segs[1].align = 0x800n; }), 'misaligned', 'program header 1, p_align = 0x800'],
  ['misaligned segment', () => variant((s) => { s.segs[1].vaddr = BASE + 0x1010n; }), 'misaligned', `program header 1, p_vaddr = ${E(BASE + 0x1010n)}`],
  ['segment below the kernel window', () => variant((s) => { s.segs[2].vaddr = 0x400000n; }), 'below the kernel address window', 'program header 2, p_vaddr = 0x400000'],
  ['writable and executable segment', () => variant((s) => { s.segs[0].flags = 7; }), 'writable and executable', 'program header 0, p_flags = 0x7'],
  ['entry outside text', () => variant((s) => { s.entry = BASE + 0x2008n; }), 'outside every executable PT_LOAD', `e_entry = ${E(BASE + 0x2008n)}`],
  ['entry in the zero-filled tail of text', () => variant((s) => { s.segs[0].memsz = 0x800n; s.entry = BASE + 0x400n; }), 'zero-filled part of its segment, past p_filesz', `e_entry = ${E(BASE + 0x400n)}`],
];

let dir = '';
let exe = '';

function run(file: string, machine?: string): { code: number | null; out: string } {
  const r = spawnSync(exe, machine ? [file, machine] : [file], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, out: (r.stdout + r.stderr).trim() };
}

test.before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-elfcheck-'));
  exe = path.join(dir, 'elfcheck');
  const src = path.join(repoRoot(), 'tests', 'subset', 'elfcheck', 'main.ts');
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'bin', 'tsboot.js'), 'compile', src, '--target', 'x86_64-linux', '-o', exe], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling ${src} failed:\n${r.stdout}${r.stderr}`);
});

test.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a well-formed synthetic kernel is accepted', () => {
  const f = path.join(dir, 'good.elf');
  fs.writeFileSync(f, makeElf(good()));
  const r = run(f);
  assert.is(r.code, 0, r.out);
  assert.is(r.out, 'elfcheck: OK entry=0xffffffff80000010 segments=3 span=0xffffffff80000000-0xffffffff80004000');
});

test('the real kernel (build/x86_64/kernel-x86_64.elf) is accepted, and refused as aarch64', async () => {
  // Built here when missing or stale (up to date: a no-op), so the test never depends on
  // a build having happened before it.
  await buildArch('x86_64', { only: 'kernel', log: () => {} });
  const k = bootArtifacts('x86_64').kernel;
  const r = run(k);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /^elfcheck: OK entry=0xffffffff8[0-9a-f]+ segments=3 span=0xffffffff80000000-/);
  const a = run(k, 'aarch64');
  assert.is(a.code, 1, a.out);
  assert.match(a.out, /wrong machine/);
});

test('every corruption is rejected with its own message, naming the field and its value', () => {
  const seen = new Map<string, string>();
  for (const [name, make, expect, field] of CASES) {
    const f = path.join(dir, name.replace(/\W+/g, '_') + '.elf');
    fs.writeFileSync(f, make());
    const r = run(f);
    assert.is(r.code, 1, `${name}: expected exit 1, got ${r.code}: ${r.out}`);
    assert.ok(r.out.startsWith('elfcheck: error: '), `${name}: ${r.out}`);
    assert.ok(r.out.includes(expect), `${name}: expected "${expect}" in: ${r.out}`);
    const detail = /\(check \d+, (.*)\)$/.exec(r.out);
    assert.ok(detail, `${name}: no detail in: ${r.out}`);
    assert.is(detail![1], field, `${name}: the detail must name the field and its value`);
    // The message with the field's name (not its value) tells the cases apart.
    const key = r.out.replace(/ \(check .*$/, '') + ' / ' + field.replace(/ = .*$/, '');
    const prev = seen.get(key);
    assert.is(prev, undefined, `${name} and ${prev} give the same message: ${key}`);
    seen.set(key, name);
  }
});

test('an empty PT_LOAD far away maps nothing and does not stretch the span (it used to cost a 1.75 GiB allocation)', () => {
  const s = good();
  s.segs.push({ flags: 4, offset: 0, vaddr: BASE + 0x7000_0000n, filesz: 0, memsz: 0n });
  const f = path.join(dir, 'empty-far.elf');
  fs.writeFileSync(f, makeElf(s));
  const r = run(f);
  assert.is(r.code, 0, r.out);
  assert.is(r.out, 'elfcheck: OK entry=0xffffffff80000010 segments=3 span=0xffffffff80000000-0xffffffff80004000');
});

test('PT_LOADs that are all empty count as none', () => {
  const f = path.join(dir, 'all-empty.elf');
  fs.writeFileSync(f, variant((s) => { for (const g of s.segs) { g.filesz = 0; g.memsz = 0n; } }));
  const r = run(f);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /no PT_LOAD segment maps anything .*, e_phnum = 0x3\)$/);
});

test('an entry on the last file-backed byte of text is accepted', () => {
  const s = good();
  s.segs[0].memsz = 0x800n;
  s.entry = BASE + 0xffn;
  const f = path.join(dir, 'entry-last.elf');
  fs.writeFileSync(f, makeElf(s));
  const r = run(f);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /^elfcheck: OK entry=0xffffffff800000ff segments=3 /);
});

test('usage errors exit 2 with a message', () => {
  const r = run(path.join(dir, 'does-not-exist.elf'));
  assert.is(r.code, 2, r.out);
  assert.match(r.out, /cannot open or read/);
});

test.run();
