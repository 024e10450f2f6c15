// Tests of the page-table engine (common/paging/engine.ts).
//
// - Fixed values: hand-written command streams whose descriptors, table-frame counts,
//   return codes and TLB notes are compared with values worked out from the Intel SDM and
//   the Arm ARM (written here as literals, not computed by the engine or the model).
// - Random streams: a few hundred map/unmap/protect operations around page, 2 MiB and
//   1 GiB boundaries, checked line by line against the BigInt reference model (model.ts):
//   every probe's translation, attributes, page size and descriptor, every table-frame
//   count (which checks splitting, merging and freeing), every PT_ENOMEM prefix, and
//   full dumps.
// The subset engine is compiled for x86_64-linux and aarch64-linux (run with qemu-aarch64);
// its C twin (bench/paging/engine.c, the benchmark's yardstick) goes through the same checks.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { A, expectedLeaf } from './model';
import { Cmd, K, UNLIMITED, checkOutput, randomStream, streamModule, streamText, Stream } from './stream';

type Arch = 'x86_64' | 'aarch64';

function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'tsboot') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('tests/paging: cannot find the repository root (package.json of tsboot) above ' + __dirname);
    dir = up;
  }
}

const ROOT = repoRoot();
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-paging-'));
const SEED = 0x5eed_0001;
const OPS = 300;

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}\n${(r.stderr || '').slice(0, 2000)}\n${(r.stdout || '').slice(-2000)}`);
  }
  return r.stdout;
}

// ---- the two drivers ---------------------------------------------------------------------

const cBuilt = new Map<Arch, string>();
function cDriver(arch: Arch): string {
  let exe = cBuilt.get(arch);
  if (!exe) {
    exe = path.join(WORK, `check-c-${arch}`);
    const dir = path.join(ROOT, 'bench', 'paging');
    run('clang-16', ['-O2', '-Wall', `-DPT_AARCH64=${arch === 'aarch64' ? 1 : 0}`, '-o', exe,
      path.join(dir, 'check_driver.c'), path.join(dir, 'engine.c')]);
    cBuilt.set(arch, exe);
  }
  return exe;
}

function runC(arch: Arch, cmds: Cmd[]): string {
  return run(cDriver(arch), [], streamText(cmds));
}

let tsCount = 0;
function runSubset(arch: Arch, cmds: Cmd[]): string {
  const cli = path.join(ROOT, 'bin', 'tsboot.js');
  const dir = path.join(WORK, `ts-${arch}-${tsCount++}`);
  fs.mkdirSync(dir);
  const driver = path.join(ROOT, 'tests', 'subset', 'paging', 'driver');
  let rel = path.relative(dir, driver).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = './' + rel;
  const main = path.join(dir, 'main.ts');
  fs.writeFileSync(main, streamModule(cmds, rel));
  const exe = path.join(dir, 'driver');
  const r = spawnSync(process.execPath, [cli, 'compile', main, '--target', `${arch}-linux`, '-O2', '-o', exe],
    { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    throw new Error(`tsboot could not compile the paging driver for ${arch}-linux:\n${r.stderr}${r.stdout}`);
  }
  return arch === 'x86_64' ? run(exe, []) : run('qemu-aarch64', [exe]);
}

// ---- fixed values -------------------------------------------------------------------------

const HI = 0xFFFF_8000_0000_0000n;
const map = (t: number, va: bigint, pa: bigint, size: bigint, attrs: number): Cmd => [K.Map, t, va, pa, size, attrs];
const probe = (t: number, va: bigint): Cmd => [K.Probe, t, va, 0n, 0n, 0];
const R = A.Read, W = A.Write, X = A.Exec, U = A.User, G = A.Global;

/** Commands and the exact lines both architectures must print (x86_64, aarch64). */
const FIXED: [Cmd, string, string][] = [
  [[K.Config, 1, 1n, 1n, 1n, 0], '', ''],
  // Frames come from the top of the simulated memory's free list: roots of tables 0..3 are
  // 0x80000000..0x80003000, then 0x80004000, ... in allocation order.
  [map(1, HI + 0x4000_0000n, 0x4000_0000n, 0x20_0000n, R | W | G), 'R 0 0x3 0x6 0x6 0 0x0', 'R 0 0x3 0x6 0x6 0 0x0'],
  // SDM: 2 MiB page = P RW A D PS(7) G(8) XD(63) | address  /  Arm: block 01, AF, SH=11, PXN, UXN
  [probe(1, HI + 0x4000_0000n), 'P 0x40000000 0x13 0x200000 0x80000000400001e3', 'P 0x40000000 0x13 0x200000 0x60000040000701'],
  // Table entries carry the number of present entries of the table they point to (here
  // 1) in ignored bits: 61..52 on x86, 11..2 on aarch64.
  [[K.Walk, 1, HI + 0x4000_0000n, 0n, 0n, 0],
    'W 3 0x10000080004027 0x10000080005027 0x80000000400001e3 0x0 0x0', 'W 3 0x80004007 0x80005007 0x60000040000701 0x0 0x0'],
  // 4 KiB read-only, not global: XD | A | P  /  page 11, AP[2]=1 (RO), SH, AF, nG, PXN, UXN
  [map(0, 0x1234_5000n, 0x1234_5000n, 0x1000n, R), 'R 0 0x4 0x9 0x9 0 0x0', 'R 0 0x4 0x9 0x9 0 0x0'],
  [probe(0, 0x1234_5000n), 'P 0x12345000 0x1 0x1000 0x8000000012345021', 'P 0x12345000 0x1 0x1000 0x60000012345f83'],
  // 4 KiB write-combining: PAT bit 7 (PAT index 4)  /  AttrIndx 2 (reads back as Uncached)
  [map(0, 0x5000n, 0x5000n, 0x1000n, R | W | A.WriteCombining), 'R 0 0x5 0xa 0xa 0 0x0', 'R 0 0x5 0xa 0xa 0 0x0'],
  [probe(0, 0x5000n), 'P 0x5000 0x83 0x1000 0x80000000000050e3', 'P 0x5000 0x43 0x1000 0x60000000005f0b'],
  // 2 MiB write-combining global: PAT moves to bit 12 in a large page
  [map(0, 0x4020_0000n, 0x4020_0000n, 0x20_0000n, R | W | A.WriteCombining | G), 'R 0 0x6 0xb 0xb 0 0x0', 'R 0 0x6 0xb 0xb 0 0x0'],
  [probe(0, 0x4020_0000n), 'P 0x40200000 0x93 0x200000 0x80000000402011e3', 'P 0x40200000 0x53 0x200000 0x60000040200709'],
  // Device: PCD|PWT (PAT index 3, UC)  /  AttrIndx 1 (Device-nGnRnE), SH=00
  [map(0, 0xFEE0_0000n, 0xFEE0_0000n, 0x1000n, R | W | A.Device), 'R 0 0x8 0xd 0xd 0 0x0', 'R 0 0x8 0xd 0xd 0 0x0'],
  [probe(0, 0xFEE0_0000n), 'P 0xfee00000 0x23 0x1000 0x80000000fee0007b', 'P 0xfee00000 0x23 0x1000 0x600000fee00c07'],
  // User code: US, no XD  /  AP=11 (EL0, RO), PXN (EL1 may not run it), UXN clear
  [map(0, 0x7000n, 0x7000n, 0x1000n, R | X | U), 'R 0 0x8 0xd 0xd 0 0x0', 'R 0 0x8 0xd 0xd 0 0x0'],
  [probe(0, 0x7000n), 'P 0x7000 0xd 0x1000 0x7025', 'P 0x7000 0xd 0x1000 0x20000000007fc3'],
  // Kernel code, 2 MiB, global: P A PS G  /  block, RO, UXN only
  [map(0, 0x8000_0000n, 0x8000_0000n, 0x20_0000n, R | X | G), 'R 0 0x9 0xe 0xe 0 0x0', 'R 0 0x9 0xe 0xe 0 0x0'],
  [probe(0, 0x8000_0000n), 'P 0x80000000 0x15 0x200000 0x800001a1', 'P 0x80000000 0x15 0x200000 0x40000080000781'],
  // One 4 KiB page out of a table that keeps another (0x7000): the table stays, and the
  // one changed translation must be flushed (a stale TLB entry would still reach 0x5000).
  [[K.Unmap, 0, 0x5000n, 0n, 0x1000n, 0], 'R 0 0x9 0xe 0xe 0 0x1 0x5000', 'R 0 0x9 0xe 0xe 0 0x1 0x5000'],
  [probe(0, 0x5000n), 'P -', 'P -'],
  // W^X: refused on table 0, allowed on table 1 (allowWX)
  [map(0, 0x1_0000_0000n, 0x1_0000_0000n, 0x1000n, R | W | X), 'R -3 0x9 0xe 0xe 0 0x0', 'R -3 0x9 0xe 0xe 0 0x0'],
  [map(1, HI, 0n, 0x1000n, R | W | X), 'R 0 0x5 0x10 0x10 0 0x0', 'R 0 0x5 0x10 0x10 0 0x0'],
  [probe(1, HI), 'P 0x0 0x7 0x1000 0x63', 'P 0x0 0x7 0x1000 0x40000000000f03'],
  // PT_ENOMEM: no frame at all, then one frame for a walk that needs three: nothing leaks.
  [[K.Budget, 0, 0n, 0n, 0n, 0], '', ''],
  [map(2, 0x1000n, 0x1000n, 0x1000n, R), 'R -1 0x1 0x10 0x10 0 0x0', 'R -1 0x1 0x10 0x10 0 0x0'],
  [[K.Budget, 0, 1n, 0n, 0n, 0], '', ''],
  [map(2, 0x1000n, 0x1000n, 0x1000n, R), 'R -1 0x1 0x10 0x10 0 0x0', 'R -1 0x1 0x10 0x10 0 0x0'],
  [probe(2, 0x1000n), 'P -', 'P -'],
  [[K.Budget, 0, UNLIMITED, 0n, 0n, 0], '', ''],
  [map(2, 0x1000n, 0x1000n, 0x1000n, R), 'R 0 0x4 0x13 0x13 0 0x0', 'R 0 0x4 0x13 0x13 0 0x0'],
  // Split: two 2 MiB pages, then one 4 KiB page of the first made read-only -> one table,
  // TLB notes for the old block and the page. Restoring it merges back (table freed).
  [map(2, 0x4000_0000n, 0x4000_0000n, 0x40_0000n, R | W), 'R 0 0x5 0x14 0x14 0 0x0', 'R 0 0x5 0x14 0x14 0 0x0'],
  [[K.Protect, 2, 0x4000_1000n, 0n, 0x1000n, R], 'R 0 0x6 0x15 0x15 0 0x2 0x40000000 0x40001000', 'R 0 0x6 0x15 0x15 0 0x2 0x40000000 0x40001000'],
  [probe(2, 0x4000_1000n), 'P 0x40001000 0x1 0x1000 0x8000000040001021', 'P 0x40001000 0x1 0x1000 0x60000040001f83'],
  [probe(2, 0x4000_2000n), 'P 0x40002000 0x3 0x1000 0x8000000040002063', 'P 0x40002000 0x3 0x1000 0x60000040002f03'],
  [[K.Protect, 2, 0x4000_1000n, 0n, 0x1000n, R | W], 'R 0 0x5 0x14 0x14 1 0x1', 'R 0 0x5 0x14 0x14 1 0x1'],
  [probe(2, 0x4000_1000n), 'P 0x40001000 0x3 0x200000 0x80000000400000e3', 'P 0x40001000 0x3 0x200000 0x60000040000f01'],
  // Overlap and bad arguments change nothing.
  [map(2, 0x4010_0000n, 0x10_0000n, 0x1000n, R), 'R -4 0x5 0x14 0x14 0 0x0', 'R -4 0x5 0x14 0x14 0 0x0'],
  [map(2, 0x800n, 0x800n, 0x1000n, R), 'R -2 0x5 0x14 0x14 0 0x0', 'R -2 0x5 0x14 0x14 0 0x0'],
  // Unmapping both blocks empties their table: freed, whole-TLB flush.
  [[K.Unmap, 2, 0x4000_0000n, 0n, 0x40_0000n, 0], 'R 0 0x4 0x13 0x13 1 0x2', 'R 0 0x4 0x13 0x13 1 0x2'],
];

function checkFixed(arch: Arch, out: string): void {
  const lines = out.split('\n');
  let li = 0;
  for (const [cmd, x86, a64] of FIXED) {
    const want = arch === 'x86_64' ? x86 : a64;
    if (want === '') continue;
    assert.is(lines[li], want, `${arch}: command ${JSON.stringify(cmd, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))}`);
    li++;
  }
}

test('model: descriptor rules give the values worked out from the manuals', () => {
  assert.is(expectedLeaf('x86_64', 0x4000_0000n, 0x20_0000n, R | W | G), 0x8000_0000_4000_01E3n);
  assert.is(expectedLeaf('x86_64', 0x5000n, 0x1000n, R | W | A.WriteCombining), 0x8000_0000_0000_50E3n);
  assert.is(expectedLeaf('x86_64', 0x4020_0000n, 0x20_0000n, R | W | G | A.WriteCombining), 0x8000_0000_4020_11E3n);
  assert.is(expectedLeaf('aarch64', 0x1234_5000n, 0x1000n, R), 0x0060_0000_1234_5F83n);
  assert.is(expectedLeaf('aarch64', 0xFEE0_0000n, 0x1000n, R | W | A.Device), 0x0060_0000_FEE0_0C07n);
  assert.is(expectedLeaf('aarch64', 0x8000_0000n, 0x20_0000n, R | X | G), 0x0040_0000_8000_0781n);
});

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`C twin (${arch} encoding): fixed values`, () => {
    checkFixed(arch, runC(arch, FIXED.map((f) => f[0])));
  });
  test(`C twin (${arch} encoding): ${OPS} random operations match the model`, () => {
    const s: Stream = randomStream(SEED, OPS, arch);
    const st = checkOutput(arch, s, runC(arch, s.cmds));
    assert.ok(st.merges > 0 && st.enomem > 0, `the stream should exercise merges and PT_ENOMEM: ${JSON.stringify(st)}`);
  });
}

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`subset engine, ${arch}-linux: fixed values and ${OPS} random operations match the model`, () => {
    const s: Stream = randomStream(SEED + 1, OPS, arch);
    const fixed = FIXED.map((f) => f[0]);
    // One program per architecture: the fixed commands on fresh tables cannot share a
    // stream with the random ones, so run both streams from one binary each.
    checkFixed(arch, runSubset(arch, fixed));
    const st = checkOutput(arch, s, runSubset(arch, s.cmds));
    assert.ok(st.merges > 0 && st.enomem > 0, `the stream should exercise merges and PT_ENOMEM: ${JSON.stringify(st)}`);
  });
}

test.after(() => {
  fs.rmSync(WORK, { recursive: true, force: true });
});

test.run();
