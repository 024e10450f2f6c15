// Boots the memory manager on real firmware: the tsboot loader (loader/main.ts) and the
// mm test kernel (tests/subset/mm/kernel.ts: mmInit, mmSelfTest, mmReclaimLoader,
// mmSelfTest, verdict) are compiled into a temporary directory, put on an ESP and booted
// in QEMU (x86_64 q35 + OVMF, aarch64 virt + AAVMF, TCG, 256 MiB), both at once. Every
// `[kernel] mm test` line must say pass, the 9front-style summary must add up, and the run
// must end with `[kernel] PASS`.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { Arch, compilerBuilt, compileSubsetAsync, describe, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';
import { buildEsp } from '../../scripts/esp';
import { prepareFirmware } from '../../ovmf/firmware';
import { launchQemu } from '../../qemu/runner';
import { runHarness, exitConventionFor, formatVerdict, HarnessResult } from '../../qemu/harness';

const ARCHES: Arch[] = ['x86_64', 'aarch64'];
let work = '';
const results = new Map<Arch, { log: string; verdict: string; ok: boolean }>();

async function boot(arch: Arch): Promise<{ log: string; verdict: string; ok: boolean }> {
  const dir = path.join(work, arch);
  const loader = path.join(dir, arch === 'x86_64' ? 'BOOTX64.EFI' : 'BOOTAA64.EFI');
  const kernel = path.join(dir, `kernel-${arch}.elf`);
  const [l, k] = await Promise.all([
    compileSubsetAsync(path.join(repoRoot, 'loader', 'main.ts'), { target: `${arch}-uefi`, out: loader }),
    compileSubsetAsync(path.join(repoRoot, 'tests', 'subset', 'mm', 'kernel.ts'), { target: `${arch}-elf`, out: kernel }),
  ]);
  if (l.status !== 0) throw new Error(`cannot build the ${arch} loader:\n${describe(l)}`);
  if (k.status !== 0) throw new Error(`cannot build the ${arch} mm test kernel:\n${describe(k)}`);
  const esp = path.join(dir, 'esp.img');
  buildEsp(esp, [
    { hostPath: loader, espPath: `/EFI/BOOT/${path.basename(loader)}` },
    { hostPath: kernel, espPath: `/tsboot/kernel-${arch}.elf` },
  ]);
  const fw = prepareFirmware(arch);
  try {
    const proc = launchQemu({ arch, firmware: fw, disk: esp, memory: '256M', timeoutMs: 240_000 });
    const r: HarnessResult = await runHarness(proc, { exitConvention: exitConventionFor(arch), silenceMs: 90_000 });
    const log = r.lines.map((x) => x.text).join('\n');
    return { log, verdict: formatVerdict(r, arch), ok: r.ok };
  } finally {
    fw.cleanup();
  }
}

test.before(async () => {
  if (!compilerBuilt()) throw new Error('the tsboot compiler is not built: run `npx tsc -p tsconfig.json` first');
  work = makeTempDir('mm-boot');
  for (const arch of ARCHES) fs.mkdirSync(path.join(work, arch), { recursive: true });
  const rs = await Promise.all(ARCHES.map((a) => boot(a)));
  ARCHES.forEach((a, i) => results.set(a, rs[i]));
});

test.after(() => {
  if (work) removeDir(work);
});

for (const arch of ARCHES) {
  test(`${arch}: the memory manager boots and passes its self-test`, () => {
    const r = results.get(arch)!;
    const tail = r.log.split('\n').filter((l) => l.startsWith('[kernel]')).slice(-40).join('\n');
    assert.ok(r.ok, `${arch}: ${r.verdict}\n${tail}`);
    const tests = r.log.split('\n').filter((l) => l.startsWith('[kernel] mm test '));
    // ranges, all-frames, stress, vmap, vmap-mmio, refused frees: before and after reclaim.
    assert.is(tests.length, 12, `${arch}: expected 12 mm test lines, got ${tests.length}:\n${tests.join('\n')}`);
    for (const t of tests) assert.ok(/: pass$/.test(t), `${arch}: ${t}`);
    assert.match(r.log, /\[kernel\] mm: reclaimed \d+ KiB of loader memory \(\d+ frames\), generation (\d+) -> (\d+)/);
    const g = /generation (\d+) -> (\d+)/.exec(r.log)!;
    assert.ok(Number(g[2]) > Number(g[1]), `${arch}: reclaim did not move the generation`);
    assert.match(r.log, /\[kernel\] mm: frame alloc \d+ ticks/);
    assert.match(r.log, /\[kernel\] mm: frame allocator init \d+ ticks/);
  });

  test(`${arch}: the 9front-style summary adds up`, () => {
    const r = results.get(arch)!;
    const m = /\[kernel\] (\d+) MiB memory: (\d+) MiB kernel, (\d+) MiB usable, (\d+) MiB reserved, (\d+) MiB ignored/.exec(r.log);
    assert.ok(m, `${arch}: no summary line`);
    const e = /\[kernel\] mm: exact: (\d+) KiB = (\d+) kernel \+ (\d+) usable \+ (\d+) reserved \+ (\d+) ignored/.exec(r.log)!;
    assert.ok(e, `${arch}: no exact summary line`);
    const [n, k, u, res, ign] = e.slice(1).map(Number);
    assert.is(k + u + res + ign, n, `${arch}: kernel + usable + reserved + ignored != total`);
    // 256 MiB of RAM: most of it usable, the total at least the RAM minus firmware holes.
    assert.ok(u > 200 * 1024 && u < 256 * 1024, `${arch}: usable ${u} KiB`);
    assert.ok(n >= 250 * 1024 && n <= 260 * 1024, `${arch}: total ${n} KiB`);
  });
}

test.run();
