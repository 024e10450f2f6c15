// The self-extracting boot files (linker/pack.ts around loader/unpack/): what the packer
// writes, and the stub's unpacking against independent oracles, without firmware.
//
// - The branch filters are exact inverses, on the loaders and on random bytes.
// - The payload's stream is what xz's own decoder (`xz --format=raw --decompress`, the
//   oracle) turns into the filtered image, and undoing the filter gives the loader image.
// - The check value changes with any one flipped bit and with two words swapped.
// - The boot file of each architecture holds exactly the current loader (its stream is the
//   packer's for loader-<arch>.efi), is at most 32 KiB (issue 14), and is a W^X PE.
// - The stub's own unpacking (loader/unpack/payload.ts: header, LZMA decoder, filter,
//   check), built as the Linux program tests/subset/unpack for x86_64 (natively) and
//   aarch64 (under qemu-aarch64), reproduces the loader image byte for byte from the boot
//   file's payload, and refuses damaged payloads (stream bytes overwritten, the check
//   changed, the stream cut short, the sizes in the header lied about) with exit status 1,
//   never a crash.
// QEMU boots of damaged boot files: tests/bad-input/corrupt-loader.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  branchFilter, findPayload, makePayload, payloadCheck, FILTER_A64_BL, FILTER_X86_CALL, PAYLOAD_HEADER_SIZE,
} from '../../linker/pack';
import { parsePe } from '../../linker/pe';
import { buildBoot } from './bootlib';
import { Arch, linuxProgram, runnerFor } from '../lib/toolchain';
import { xorshiftBytes } from '../lib/random';

const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const FILTER: Record<Arch, number> = { x86_64: FILTER_X86_CALL, aarch64: FILTER_A64_BL };
const SIZE_GOAL = 32 * 1024;
const prog = linuxProgram(test, 'unpack');

/** Runs tests/subset/unpack on `payload`; its exit status and output. */
function unpack(arch: Arch, payload: Buffer, tag: string): { status: number | null; out: Buffer } {
  const f = path.join(prog.dir, `${arch}-${tag}.payload`);
  fs.writeFileSync(f, payload);
  const r = runnerFor(arch, prog.exe[arch]);
  const p = spawnSync(r.cmd, [...r.args, f], { timeout: 60_000, maxBuffer: 4 << 20 });
  assert.ok(p.signal === null, `unpack ${tag} (${arch}) was killed by ${p.signal} (a crash or a hang)`);
  return { status: p.status, out: p.stdout };
}

test('the branch filters are exact inverses (the loaders, random bytes, calls at the very end)', async () => {
  for (const arch of ARCHES) {
    const { loaderImage } = await buildBoot(arch);
    const inputs = [fs.readFileSync(loaderImage), xorshiftBytes(65536, 7), xorshiftBytes(4099 * 4, 8)];
    // Calls with both kinds of top byte, and one cut off by the end of the data.
    inputs.push(Buffer.from([0xE8, 1, 2, 3, 0x00, 0xE8, 9, 9, 9, 0xFF, 0xE8, 5, 5, 5, 0x12, 0x90, 0xE8, 1, 2]));
    for (const data of inputs) {
      const b = Buffer.from(data.subarray(0, data.length & ~3));
      branchFilter(b, FILTER[arch], true, 0xE60);
      if (data.length > 1000) assert.not.ok(b.equals(data.subarray(0, b.length)), `${arch}: the filter changed nothing`);
      branchFilter(b, FILTER[arch], false, 0xE60);
      assert.ok(b.equals(data.subarray(0, b.length)), `${arch}: filter then unfilter is not the identity`);
    }
  }
});

test('the stream decodes with xz itself to the filtered image; unfiltered, that is the loader', async () => {
  for (const arch of ARCHES) {
    const { loaderImage } = await buildBoot(arch);
    const image = fs.readFileSync(loaderImage);
    const p = makePayload(image, arch);
    assert.is(p.bytes.readUInt32LE(8), image.length);
    assert.is(p.bytes.readUInt32LE(12), p.bytes.length - PAYLOAD_HEADER_SIZE);
    const props = p.bytes[16];
    const lc = props % 9;
    const lp = Math.floor(props / 9) % 5;
    const pb = Math.floor(props / 45);
    const x = spawnSync('xz', ['--format=raw', `--lzma1=lc=${lc},lp=${lp},pb=${pb},dict=1MiB`, '--decompress', '--stdout'],
      { input: p.bytes.subarray(PAYLOAD_HEADER_SIZE), maxBuffer: 4 << 20 });
    assert.is(x.status, 0, x.stderr?.toString());
    const filtered = Buffer.from(x.stdout);
    branchFilter(filtered, p.bytes[17], false, p.bytes.readUInt16LE(18));
    assert.ok(filtered.equals(image), `${arch}: xz's decoding of the stream, unfiltered, is not the loader image`);
    assert.is(p.bytes.readUInt32LE(20), payloadCheck(image));
  }
});

test('the check value sees one flipped bit anywhere and two swapped words', () => {
  const b = xorshiftBytes(4096, 99);
  const c = payloadCheck(b);
  for (let i = 0; i < b.length * 8; i += 97) {
    const f = Buffer.from(b);
    f[i >> 3] ^= 1 << (i & 7);
    assert.is.not(payloadCheck(f), c, `bit ${i}`);
  }
  const s = Buffer.from(b);
  s.writeUInt32LE(b.readUInt32LE(100), 200);
  s.writeUInt32LE(b.readUInt32LE(200), 100);
  assert.is.not(payloadCheck(s), c);
});

for (const arch of ARCHES) {
  test(`${arch}: the boot file holds the current loader, is at most 32 KiB, and is W^X`, async () => {
    const art = await buildBoot(arch);
    const file = fs.readFileSync(art.loader);
    const image = fs.readFileSync(art.loaderImage);
    const found = findPayload(file);
    const fresh = makePayload(image, arch);
    assert.ok(file.subarray(found.offset, found.offset + fresh.bytes.length).equals(fresh.bytes),
      'the payload in the boot file is not the packing of the current loader image');
    assert.ok(file.length <= SIZE_GOAL, `${path.basename(art.loader)} is ${file.length} bytes, more than 32 KiB`);
    const pe = parsePe(file);
    for (const s of pe.sections) assert.not.ok(s.write && s.execute, `section ${s.name} is writable and executable`);
  });

  test(`${arch}: the stub's unpacking gives the loader image back from the boot file's payload`, async () => {
    const art = await buildBoot(arch);
    const file = fs.readFileSync(art.loader);
    const found = findPayload(file);
    const payload = file.subarray(found.offset, found.offset + PAYLOAD_HEADER_SIZE + found.streamSize);
    const r = unpack(arch, payload, 'good');
    assert.is(r.status, 0, r.out.toString().slice(0, 200));
    assert.ok(r.out.equals(fs.readFileSync(art.loaderImage)), `${arch}: the unpacked bytes differ from loader-${arch}.efi`);
  });

  test(`${arch}: damaged payloads are refused (exit 1), never a crash`, async () => {
    const art = await buildBoot(arch);
    const file = fs.readFileSync(art.loader);
    const found = findPayload(file);
    const good = Buffer.from(file.subarray(found.offset, found.offset + PAYLOAD_HEADER_SIZE + found.streamSize));
    const cases: Array<[string, (b: Buffer) => Buffer]> = [
      ['stream bytes overwritten', (b) => { for (let i = 0; i < 256; i++) b[PAYLOAD_HEADER_SIZE + 5000 + i] ^= 0x5A; return b; }],
      ['one stream byte flipped near the end', (b) => { b[b.length - 40] ^= 0x01; return b; }],
      ['the check changed', (b) => { b.writeUInt32LE((b.readUInt32LE(20) + 1) >>> 0, 20); return b; }],
      ['the stream cut to half', (b) => { b.writeUInt32LE(Math.floor(found.streamSize / 2), 12); return b.subarray(0, PAYLOAD_HEADER_SIZE + Math.floor(found.streamSize / 2)); }],
      ['an image size larger than the stream gives', (b) => { b.writeUInt32LE(found.imageSize + 4096, 8); return b; }],
      ['an image size smaller than the stream gives', (b) => { b.writeUInt32LE(found.imageSize - 4096, 8); return b; }],
      ['a stream size past the end of the data', (b) => { b.writeUInt32LE(found.streamSize + 100000, 12); return b; }],
      ['the other architecture\'s filter', (b) => { b[17] = arch === 'x86_64' ? FILTER_A64_BL : FILTER_X86_CALL; return b; }],
      ['every stream byte zero', (b) => { b.fill(0, PAYLOAD_HEADER_SIZE); return b; }],
      ['every stream byte 0xff', (b) => { b.fill(0xFF, PAYLOAD_HEADER_SIZE); return b; }],
    ];
    for (const [what, damage] of cases) {
      const r = unpack(arch, damage(Buffer.from(good)), what.replace(/\W+/g, '-'));
      assert.is(r.status, 1, `${arch}, ${what}: exit ${r.status}, output ${r.out.toString().slice(0, 200)}`);
    }
  });
}

test.run();
