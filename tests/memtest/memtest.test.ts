// The memory test's patterns (kernel-stub/memtest/patterns.ts) through
// tests/subset/memtest/driver.ts, compiled for x86_64-linux and aarch64-linux (run under
// qemu-aarch64) at -O0 and -O2, against a model written here:
//   - the shares of n CPUs split the extents' words evenly (within one word), in order,
//     each word in exactly one share;
//   - without the fault hook no pattern reports an error;
//   - with it, every pattern reports exactly one error, found by the share holding the
//     word: its physical address, the value the pattern wrote there, and that value with
//     exactly the injected bit flipped — at the first and last word of an extent and
//     inside one, whatever the share layout (modulo 20 included, whose every-20th words
//     run on across extents and shares).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import {
  Arch, Opt, compileSubsetAsync, compilerBuilt, describe, makeTempDir, removeDir, repoRoot, runExecutableAsync, RunResult,
} from '../lib/toolchain';

const DRIVER = path.join(repoRoot, 'tests', 'subset', 'memtest', 'driver.ts');
const RANDOM = 0x0123_4567_89AB_CDEFn;
const CPUS = [1n, 2n, 3n, 4n, 7n];
const INJECT = [0n, 0x1000_0000n, 0x1003_FFF8n, 0x3000_0000n, 0x3001_0000n, 0x2000_8A48n];
const EXTENTS = [
  { pa: 0x1000_0000n, bytes: 0x4_0000n },
  { pa: 0x3000_0000n, bytes: 0x1_0008n },
  { pa: 0x2000_0000n, bytes: 0x1_0000n },
];
const hex = (v: bigint) => '0x' + v.toString(16);
const MASK = (1n << 64n) - 1n;

/** Byte offset (in the concatenated extents) of a physical address, or -1. */
function offsetOf(pa: bigint): bigint {
  let at = 0n;
  for (const e of EXTENTS) {
    if (pa >= e.pa && pa < e.pa + e.bytes) return at + (pa - e.pa);
    at += e.bytes;
  }
  return -1n;
}

/** The share bounds as the driver prints them (extent index and offset of the first and
 *  of the end of the last word). */
function shareLine(n: bigint, r: bigint, total: bigint): string {
  const words = total / 8n;
  const w0 = (words * r) / n, w1 = (words * (r + 1n)) / n;
  if (w1 === w0) return `S ${n} ${r} 0 0x0 0 0x0 0x0`;
  let at = 0n, first = -1, firstOff = 0n, last = -1, lastEnd = 0n;
  EXTENTS.forEach((e, i) => {
    if (first < 0 && w0 * 8n < at + e.bytes) { first = i; firstOff = w0 * 8n - at; }
    if (last < 0 && w1 * 8n <= at + e.bytes) { last = i; lastEnd = w1 * 8n - at; }
    at += e.bytes;
  });
  return `S ${n} ${r} ${first} ${hex(firstOff)} ${last} ${hex(lastEnd)} ${hex((w1 - w0) * 8n)}`;
}

function model(): string[] {
  const total = EXTENTS.reduce((s, e) => s + e.bytes, 0n);
  const out: string[] = [];
  for (const n of CPUS) {
    for (let r = 0n; r < n; r++) out.push(shareLine(n, r, total));
    INJECT.forEach((pa, k) => {
      const bit = (BigInt(k) * 23n + n * 5n) % 64n;
      for (let p = 0; p < 4; p++) {
        const at = pa === 0n ? -1n : offsetOf(pa);
        if (at < 0n) { out.push(`R ${n} ${hex(pa)} ${bit} ${p} 0 0 0`); continue; }
        const expected = p === 0 ? pa : p === 1 ? 0n : RANDOM;
        const actual = (expected ^ (1n << bit)) & MASK;
        out.push(`R ${n} ${hex(pa)} ${bit} ${p} 1 1 1 ${hex(pa)} ${hex(expected)} ${hex(actual)}`);
      }
    });
  }
  return out;
}

const work = makeTempDir('memtest');
const runs = new Map<string, { compile: RunResult; run: RunResult | null }>();
const COMBOS: [Arch, Opt][] = [['x86_64', 'O0'], ['x86_64', 'O2'], ['aarch64', 'O0'], ['aarch64', 'O2']];

test.before(async () => {
  if (!compilerBuilt()) return;
  await Promise.all(COMBOS.map(async ([arch, opt]) => {
    const exe = path.join(work, `driver.${arch}.${opt}`);
    const compile = await compileSubsetAsync(DRIVER, { target: `${arch}-linux`, opt, out: exe });
    const run = compile.status === 0 ? await runExecutableAsync(exe, arch, 120_000) : null;
    runs.set(`${arch}-${opt}`, { compile, run });
  }));
});

for (const [arch, opt] of COMBOS) {
  test(`memtest patterns on ${arch} -${opt}: shares, no false errors, every injected fault found`, () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
    const r = runs.get(`${arch}-${opt}`)!;
    assert.is(r.compile.status, 0, `compile failed:\n${describe(r.compile)}`);
    assert.is(r.run!.status, 0, `the driver failed:\n${describe(r.run!)}`);
    const got = r.run!.stdout.trim().split('\n');
    const want = model();
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      assert.is(got[i], want[i], `line ${i + 1}`);
    }
  });
}

test.after(() => removeDir(work));
test.run();
