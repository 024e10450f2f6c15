// The SHA-256 the loader checks sha256= with (common/sha256.ts), against Node's crypto
// (OpenSSL) as the oracle: FIPS 180-4 test vectors and lengths around every padding edge,
// fed in one piece and in chunks that split blocks everywhere, built for x86_64-linux and
// aarch64-linux (under qemu-aarch64) through tests/subset/sha256sum.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Arch, linuxProgram, runnerFor } from '../lib/toolchain';
import { xorshiftBytes } from '../lib/random';

const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const prog = linuxProgram(test, 'sha256sum');

function sum(arch: Arch, file: string, chunk?: number): string {
  const r = runnerFor(arch, prog.exe[arch]);
  const p = spawnSync(r.cmd, [...r.args, file, ...(chunk ? [String(chunk)] : [])], { encoding: 'utf8', timeout: 30_000 });
  if (p.status !== 0) throw new Error(`sha256sum ${file} ${chunk ?? ''}: exit ${p.status}: ${p.stdout}${p.stderr}`);
  return p.stdout.trim();
}

test('FIPS 180-4 example messages', () => {
  const vectors: [string, string][] = [
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ];
  for (const arch of ARCHES) {
    for (const [msg, want] of vectors) {
      const f = path.join(prog.dir, `v${msg.length}`);
      fs.writeFileSync(f, msg);
      assert.is(sum(arch, f), want, `${arch}: ${JSON.stringify(msg)}`);
    }
  }
});

test('every length around the padding edges, whole and in chunks, agrees with OpenSSL', () => {
  const lengths = [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 65537, 1 << 20];
  for (const arch of ARCHES) {
    for (const n of lengths) {
      const data = xorshiftBytes(n, n * 2654435761);
      const f = path.join(prog.dir, `len${n}`);
      fs.writeFileSync(f, data);
      const want = createHash('sha256').update(data).digest('hex');
      assert.is(sum(arch, f), want, `${arch}: ${n} bytes in one piece`);
      // Every split on x86_64; on aarch64 (each run starts qemu-aarch64) the block-edge ones.
      const chunks = arch === 'x86_64' ? (n <= 4096 ? [1, 7, 63, 64, 65] : [63, 4096]) : n <= 129 ? [1, 64, 65] : [];
      for (const chunk of chunks) {
        assert.is(sum(arch, f, chunk), want, `${arch}: ${n} bytes in chunks of ${chunk}`);
      }
    }
  }
});

test.run();
