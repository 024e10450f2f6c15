// The LZMA1 decoder of the self-extracting loader (loader/unpack/lzma.ts) against xz as the
// oracle: xz compresses (raw LZMA1, preset 9e, several lc/lp/pb), tests/subset/unlzma
// decodes, built for x86_64-linux and aarch64-linux (under qemu-aarch64), and the output
// must be xz's input byte for byte: the two loader images, edge-case inputs, and every way
// the output buffer can end (at the end marker, exactly full, too small). Corrupt and
// truncated streams and unsupported properties must give LZMA_ERROR: exit status 1, no
// crash, no hang.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildAll } from '../../scripts/build';
import { bootArtifacts } from '../../scripts/paths';
import { Arch, linuxProgram, repoRoot, runnerFor } from '../lib/toolchain';
import { xorshiftBytes } from '../lib/random';
import { onPath, testIf } from '../lib/skip';

const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const prog = linuxProgram(test, 'unlzma');
const noXz = onPath('xz') ? undefined : 'xz is not installed (Debian package xz-utils)';

/** lc/lp/pb the loaders are packed with (linker/pack.ts: 3/0/0 for x86_64, 1/2/2 for aarch64) and others. */
const PROPS: [number, number, number][] = [[3, 0, 0], [1, 2, 2], [0, 0, 0], [4, 0, 4], [0, 4, 2], [2, 1, 1]];

function propsByte(lc: number, lp: number, pb: number): number {
  return lc + 9 * (lp + 5 * pb);
}

function compress(data: Buffer, lc: number, lp: number, pb: number): Buffer {
  const p = spawnSync('xz', ['--format=raw', `--lzma1=preset=9e,lc=${lc},lp=${lp},pb=${pb}`, '-c'], { input: data, maxBuffer: 64 << 20 });
  if (p.status !== 0) throw new Error(`xz lc=${lc} lp=${lp} pb=${pb}: exit ${p.status}: ${p.stderr}`);
  return p.stdout;
}

interface Decoded { status: number | null; signal: string | null; out: Buffer }

let files = 0;
/** Runs unlzma on `stream`; `cap` is the output buffer's size (the program's 4 MiB when omitted). */
function decode(arch: Arch, props: number, stream: Buffer, cap?: number): Decoded {
  const f = path.join(prog.dir, `in${files++}.lz`);
  fs.writeFileSync(f, stream);
  const r = runnerFor(arch, prog.exe[arch]);
  const p = spawnSync(r.cmd, [...r.args, String(props), f, ...(cap === undefined ? [] : [String(cap)])],
    { timeout: 30_000, maxBuffer: 64 << 20 });
  fs.rmSync(f);
  if (p.error) throw new Error(`unlzma (${arch}): ${p.error.message}`);
  return { status: p.status, signal: p.signal, out: p.stdout };
}

/** Decodes with `cap` and asserts the output is `want`. */
function expectDecodes(arch: Arch, props: number, stream: Buffer, want: Buffer, cap: number | undefined, what: string): void {
  const d = decode(arch, props, stream, cap);
  assert.is(d.status, 0, `${arch} ${what}: exit status ${d.status} (signal ${d.signal})`);
  assert.is(d.out.length, want.length, `${arch} ${what}: length`);
  assert.ok(d.out.equals(want), `${arch} ${what}: first difference at byte ${firstDifference(d.out, want)}`);
}

/** Asserts LZMA_ERROR: exit status 1, not a signal or a timeout. */
function expectError(arch: Arch, props: number, stream: Buffer, cap: number | undefined, what: string): void {
  const d = decode(arch, props, stream, cap);
  assert.is(d.status, 1, `${arch} ${what}: want LZMA_ERROR (status 1), got status ${d.status}, signal ${d.signal}, ${d.out.length} bytes`);
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function text(): Buffer {
  const docs = path.join(repoRoot, 'docs');
  const parts = [path.join(repoRoot, 'README.md'), ...fs.readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => path.join(docs, f))];
  return Buffer.concat(parts.map((p) => fs.readFileSync(p))).subarray(0, 200_000);
}

/** The inputs besides the loaders: each a different path through the decoder. */
function edgeInputs(): [string, Buffer][] {
  const block = xorshiftBytes(700, 7);
  return [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([0x5a])],
    ['zeros', Buffer.alloc(100_000)],
    ['random', xorshiftBytes(65_537, 1)],
    // Runs of one short pattern: matches of the longest length (273) over and over.
    ['a repeated pattern', Buffer.from('tsboot '.repeat(20_000))],
    // A random block repeated: long distances, rep matches and matched literals between copies.
    ['a repeated random block', Buffer.concat([block, xorshiftBytes(5000, 9), block, block.subarray(13), xorshiftBytes(300, 3), block])],
    ['text', text()],
  ];
}

testIf(test, 'the two loader images decode byte for byte, for several lc/lp/pb, on both architectures', noXz, async () => {
  await buildAll(['x86_64', 'aarch64'], { only: 'loader', log: () => {} });
  for (const loaderArch of ARCHES) {
    // The loader itself, which the boot file holds compressed.
    const loader = fs.readFileSync(bootArtifacts(loaderArch).loaderImage);
    for (const [lc, lp, pb] of PROPS) {
      const stream = compress(loader, lc, lp, pb);
      for (const arch of ARCHES) {
        expectDecodes(arch, propsByte(lc, lp, pb), stream, loader, loader.length, `${loaderArch} loader, lc=${lc} lp=${lp} pb=${pb}`);
      }
    }
  }
});

testIf(test, 'edge-case inputs decode byte for byte, to the end marker and into a buffer just as large', noXz, () => {
  for (const [name, data] of edgeInputs()) {
    for (const [lc, lp, pb] of PROPS.slice(0, 3)) {
      const stream = compress(data, lc, lp, pb);
      const props = propsByte(lc, lp, pb);
      for (const arch of ARCHES) {
        // Larger than the output: it must stop at the end marker.
        expectDecodes(arch, props, stream, data, undefined, `${name}, lc=${lc} lp=${lp} pb=${pb}, to the end marker`);
      }
      // Exactly the output's size: it stops when full, before reading the end marker.
      expectDecodes('x86_64', props, stream, data, data.length, `${name}, lc=${lc} lp=${lp} pb=${pb}, exact buffer`);
    }
  }
});

testIf(test, 'a buffer smaller than the output gets its prefix, never more', noXz, () => {
  const data = text();
  const stream = compress(data, 3, 0, 0);
  for (const arch of ARCHES) {
    for (const cap of [0, 1, 2, 1000, 4097, data.length - 1]) {
      expectDecodes(arch, propsByte(3, 0, 0), stream, data.subarray(0, cap), cap, `text into ${cap} bytes`);
    }
  }
});

testIf(test, 'truncated streams give LZMA_ERROR', noXz, () => {
  const small = Buffer.from('truncation '.repeat(40) + 'ends here');
  const stream = compress(small, 3, 0, 0);
  // Every length on x86_64; a few on aarch64 (each run starts qemu-aarch64).
  for (let n = 0; n < stream.length; n++) {
    expectError('x86_64', propsByte(3, 0, 0), stream.subarray(0, n), undefined, `the first ${n} of ${stream.length} bytes`);
  }
  const big = compress(fs.readFileSync(path.join(repoRoot, 'README.md')), 1, 2, 2);
  for (const n of [0, 1, 5, 6, big.length >> 1, big.length - 5, big.length - 1]) {
    for (const arch of ARCHES) expectError(arch, propsByte(1, 2, 2), big.subarray(0, n), undefined, `README: the first ${n} of ${big.length} bytes`);
  }
});

testIf(test, 'corrupt streams give LZMA_ERROR', noXz, () => {
  const data = text().subarray(0, 60_000);
  const stream = compress(data, 3, 0, 0);
  const props = propsByte(3, 0, 0);
  const cap = 2 * data.length;
  for (const arch of ARCHES) {
    // The range coder's first byte is always 0.
    const first = Buffer.from(stream);
    first[0] = 1;
    expectError(arch, props, first, cap, 'a first byte of 1');
    // A code of all ones decodes a match before anything was written: a distance too far.
    const far = Buffer.from(stream);
    far.fill(0xff, 1, 5);
    expectError(arch, props, far, cap, 'a match at position 0');
    // The lowest bit of the last byte: the same bits decode, up to the end marker, but the
    // code is not left at 0 as a clean end leaves it.
    const tail = Buffer.from(stream);
    tail[tail.length - 1] ^= 1;
    expectError(arch, props, tail, cap, 'the last bit changed');
  }
  // One byte changed anywhere (a fixed pseudo-random sample), and random garbage.
  const rnd = xorshiftBytes(400, 99);
  for (let k = 0; k < 60; k++) {
    const at = 1 + ((rnd[2 * k] << 8 | rnd[2 * k + 1]) % (stream.length - 1));
    const bad = Buffer.from(stream);
    bad[at] ^= 1 + rnd[200 + k] % 255;
    expectError(k % 6 === 0 ? 'aarch64' : 'x86_64', props, bad, cap, `byte ${at} changed`);
  }
  for (let k = 0; k < 10; k++) {
    const garbage = xorshiftBytes(2000 + k, 1000 + k);
    garbage[0] = 0;
    expectError('x86_64', propsByte(k % 5, 0, k % 5), garbage, cap, `random garbage ${k}`);
  }
});

test('properties it does not take give LZMA_ERROR', () => {
  // An empty stream as xz writes it, valid for any properties; the checks must come first.
  const endOnly = Buffer.from([0x00, 0x83, 0xff, 0xfb, 0xff, 0xff, 0xc0, 0x00, 0x00, 0x00]);
  for (const arch of ARCHES) {
    assert.is(decode(arch, propsByte(3, 0, 2), endOnly).status, 0, `${arch}: lc=3 lp=0 pb=2 with the end marker alone`);
    for (const props of [propsByte(4, 1, 0), propsByte(1, 4, 0), propsByte(8, 4, 4), 225, 255]) {
      expectError(arch, props, endOnly, undefined, `props ${props}`);
    }
  }
});

test.run();
