// One real boot: a trivial EFI application compiled here from C (qemu/trivial/floor-x86_64.c:
// prints a line on COM1 by port I/O, then writes 0x10 to isa-debug-exit) is put on an ESP
// and booted in QEMU + OVMF through the runner and the harness. Checks that the line
// arrives, the exit status is 33 and the firmware's VARS copy is cleaned up.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepareFirmware } from '../../ovmf/firmware';
import { runHarness } from '../../qemu/harness';
import { launchQemu } from '../../qemu/runner';
import { buildFloorApp, floorLine } from '../../qemu/trivial';
import { buildEsp } from '../../scripts/esp';
import { tempDir } from '../infra/fixtures';

test('x86_64: trivial EFI app boots in QEMU + OVMF, prints on COM1, exits 33', async () => {
  const tmp = tempDir('smoke');
  const fw = prepareFirmware('x86_64');
  try {
    const efi = buildFloorApp('x86_64', tmp.dir);
    const esp = path.join(tmp.dir, 'esp.img');
    buildEsp(esp, [{ hostPath: efi, espPath: '/EFI/BOOT/BOOTX64.EFI' }], { sizeMiB: 16 });
    const proc = launchQemu({ arch: 'x86_64', firmware: fw, disk: esp, timeoutMs: 90_000 });
    const r = await runHarness(proc, { expect: [floorLine('x86_64')], requireVerdict: false, expectedExitCode: 33, silenceMs: 60_000 });
    assert.ok(r.ok, `${r.failure?.message}\nserial:\n${r.lines.map((l) => l.text).join('\n')}`);
    assert.is(r.exit.code, 33);
    const line = r.expectations[0].line!;
    // The firmware prints its boot-manager lines first; the app's line comes after them.
    assert.ok(r.lines.some((l) => /BdsDxe: (loading|starting)/.test(l.text) && l.tMs <= line.tMs), 'OVMF boot-manager lines precede the app line');
    assert.ok(line.tMs > 300 && line.tMs < r.timings.exitMs + 1, `line at ${line.tMs} ms`);
    console.log(`    (x86_64 firmware floor in this run: ${(line.tMs / 1000).toFixed(2)} s to the first line)`);
  } finally {
    fw.cleanup();
    tmp.remove();
  }
  assert.not.ok(fs.existsSync(fw.dir), 'VARS copy removed');
});

test.run();
