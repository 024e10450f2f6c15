// `tsboot run` booting the templates in QEMU (the installed-tarball boots of the kernel
// template are tests/pkg/pack.test.ts's). `npm test`: the EFI application template on both
// architectures (the firmware starts it alone; `[app] PASS`, ResetSystem), the kernel
// template with a command line from --cmdline, and a kernel whose panic becomes
// `[kernel] FAIL: <message>` and exit status 1. `npm run test:matrix` (TSBOOT_MATRIX=1): both
// templates on U-Boot's UEFI on both architectures, and the kernel on x86_64's pc machine
// with 2 CPUs and 1 GiB.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describe, makeTempDir, removeDir, repoRoot, RunResult, tsbootBin } from '../lib/toolchain';
import { runIn } from '../lib/npm';

const FULL = process.env.TSBOOT_MATRIX === '1';
const work = makeTempDir('run');

/** A project made by `tsboot new`, with this checkout linked in as its tsboot. */
async function project(name: string, template: string): Promise<string> {
  const r = await runIn(work, process.execPath, [tsbootBin, 'new', name, '--template', template], 60_000);
  assert.is(r.status, 0, describe(r));
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'tsboot'));
  return dir;
}

function run(dir: string, args: string[]): Promise<RunResult> {
  return runIn(dir, process.execPath, [tsbootBin, 'run', ...args], 300_000);
}

/** The serial line `text` as the harness echoes it (after its timestamp). */
function serialLine(text: string): RegExp {
  return new RegExp(`^\\[\\s*[\\d.]+\\] ${text.replace(/[[\]().*+?^$\\|{}]/g, '\\$&')}$`, 'm');
}

let kernel = '';
let app = '';

test.before(async () => {
  kernel = await project('kern', 'kernel');
  app = await project('app', 'efi-app');
});

for (const arch of ['x86_64', 'aarch64']) {
  test(`the EFI application template boots alone on ${arch}: [app] PASS, then ResetSystem`, async () => {
    const r = await run(app, ['src/app.ts', '--arch', arch]);
    assert.is(r.status, 0, describe(r));
    assert.match(r.stdout, /^tsboot: compiling src\/app\.ts as an EFI application \((x86_64|aarch64)-uefi, from its main/m);
    assert.match(r.stdout, new RegExp(`^tsboot: ESP build/${arch}/esp\\.img: /EFI/BOOT/BOOT(X64|AA64)\\.EFI \\(build/${arch}/app\\.efi\\)$`, 'm'));
    assert.match(r.stdout, /^\[\s*[\d.]+\] \[app\] hello from app; firmware: EDK II, UEFI 2\.\d+$/m);
    assert.match(r.stdout, serialLine('[app] PASS'));
    assert.match(r.stdout, new RegExp(`^tsboot: PASS \\(\\[app\\] PASS; QEMU exit status ${arch === 'x86_64' ? 33 : 0}\\b`, 'm'));
  });
}

test('--cmdline reaches the kernel through the generated boot.cfg (aarch64)', async () => {
  const r = await run(kernel, ['src/kernel.ts', '--arch', 'aarch64', '--cmdline', 'console=ttyAMA0 hello=world']);
  assert.is(r.status, 0, describe(r));
  assert.match(fs.readFileSync(path.join(kernel, 'build', 'aarch64', 'boot.cfg'), 'utf8'), /^entry=kernel\n {2}protocol=tsboot\n {2}path=\/tsboot\/kernel-aarch64\.elf\n {2}cmdline=console=ttyAMA0 hello=world\n$/m);
  assert.match(r.stdout, serialLine('[kernel] command line: "console=ttyAMA0 hello=world"'));
  assert.match(r.stdout, serialLine('[kernel] PASS'));
});

test('a kernel that panics fails the run: [kernel] FAIL with the message, exit status 1 (aarch64)', async () => {
  const src = path.join(kernel, 'src', 'kernel.ts');
  const text = fs.readFileSync(src, 'utf8');
  fs.writeFileSync(src, text.replace('  kernelPass();', '  assert(usable > (u64(1) << 40), "less than a TiB of memory");\n  kernelPass();'));
  try {
    const r = await run(kernel, ['src/kernel.ts', '--arch', 'aarch64']);
    assert.is(r.status, 1, describe(r));
    assert.match(r.stdout, /^\[\s*[\d.]+\] panic at src\/kernel\.ts:\d+: less than a TiB of memory$/m);
    assert.match(r.stdout, serialLine('[kernel] FAIL: less than a TiB of memory'));
    assert.match(r.stdout, /^tsboot: FAIL \[(fail-pattern|kernel-fail)\]: /m);
  } finally {
    fs.writeFileSync(src, text);
  }
});

if (FULL) {
  for (const arch of ['x86_64', 'aarch64']) {
    // U-Boot x86_64 on pc with the ESP on virtio: q35's AHCI costs U-Boot ~10 s of link timeouts.
    const uboot = ['--firmware', 'uboot', ...(arch === 'x86_64' ? ['--machine', 'pc', '--disk-bus', 'virtio'] : [])];
    test(`matrix: the kernel template on U-Boot's UEFI, ${arch}`, async () => {
      const r = await run(kernel, ['src/kernel.ts', '--arch', arch, ...uboot]);
      assert.is(r.status, 0, describe(r));
      assert.match(r.stdout, serialLine('[kernel] PASS'));
    });
    test(`matrix: the EFI application template on U-Boot's UEFI, ${arch}`, async () => {
      const r = await run(app, ['src/app.ts', '--arch', arch, ...uboot]);
      assert.is(r.status, 0, describe(r));
      assert.match(r.stdout, /^\[\s*[\d.]+\] \[app\] hello from app; firmware: Das U-Boot, UEFI 2\.\d+$/m);
      assert.match(r.stdout, serialLine('[app] PASS'));
    });
  }
  test('matrix: the kernel template on x86_64 pc, 2 CPUs, 1 GiB', async () => {
    const r = await run(kernel, ['src/kernel.ts', '--arch', 'x86_64', '--machine', 'pc', '--smp', '2', '--memory', '1G']);
    assert.is(r.status, 0, describe(r));
    assert.match(r.stdout, /^\[\s*[\d.]+\] \[kernel\] usable memory: (9\d\d|10[0-2]\d) MiB in \d+ regions$/m);
    assert.match(r.stdout, serialLine('[kernel] PASS'));
  });
}

test.after(() => removeDir(work));

test.run();
