// Debian's own Linux kernel booted by the loader's `linux` protocol, on both architectures:
// the ESP holds docs/examples/boot.cfg (the example in docs/boot-protocol.md) and what it
// names (qemu/linux.ts). The harness drives the menu from the keyboard, typing on the
// serial console: it selects the `linux` entry (arrow keys on x86_64, its digit on
// aarch64), presses `e` and edits the command line (typing at the end with a Backspace on
// x86_64; Home and typing at the start on aarch64), and Enter boots it. The kernel's EFI
// stub takes the initrd through LoadFile2; /init (tests/subset/init) prints /proc/cmdline,
// checks the payload of the second initrd archive and says `[init] PASS`. The harness
// requires /init's command line to be the loader's, and this test that it is the edited one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import { bootEsp, buildBoot, explain, tempDir } from './bootlib';
import { KEYS, MENU_READY, type KeyStep } from '../../qemu/harness';
import { debianKernel, exampleEspFiles, LINUX_ESP } from '../../qemu/linux';

type Arch = 'x86_64' | 'aarch64';

const EDITOR = /^\[loader\] editing the command line/;

interface Case {
  keys: KeyStep[];
  cmdline: string;
  how: string;
}

const CASES: Record<Arch, Case> = {
  x86_64: {
    how: 'down arrow, e, type at the end, Backspace, Enter',
    keys: [
      { after: MENU_READY, send: KEYS.down },
      { after: MENU_READY, send: 'e' },
      { after: EDITOR, send: ' tsboot.edited=yes' + KEYS.backspace.repeat(3) + 'ok' + KEYS.enter },
    ],
    cmdline: 'console=ttyS0 quiet tsboot.edited=ok',
  },
  aarch64: {
    how: 'digit 2, e, Home, type at the start, Enter',
    keys: [
      { after: MENU_READY, send: '2' },
      { after: MENU_READY, send: 'e' },
      { after: EDITOR, send: KEYS.home + 'tsboot.first=1 ' + KEYS.enter },
    ],
    cmdline: 'tsboot.first=1 console=ttyAMA0 quiet',
  },
};

// U-Boot too, on aarch64 (on x86_64 Debian's kernel does not get that far under U-Boot in
// QEMU: U-Boot programs no MTRRs, so the kernel trims all RAM, and its runtime
// SetVirtualAddressMap faults; docs/firmware.md).
const RUNS: { arch: Arch; firmware: 'edk2' | 'uboot' }[] = [
  { arch: 'x86_64', firmware: 'edk2' },
  { arch: 'aarch64', firmware: 'edk2' },
  { arch: 'aarch64', firmware: 'uboot' },
];

for (const { arch, firmware } of RUNS) {
  const c = CASES[arch];
  test(`${arch} ${firmware}: Debian's kernel through its EFI stub, chosen and edited in the menu (${c.how}), to /init's PASS`, async () => {
    await buildBoot(arch);
    const dir = tempDir(`linux-${arch}-${firmware}`);
    try {
      const files = exampleEspFiles(arch, dir);
      const r = await bootEsp(arch, dir, files, {
        firmware,
        esp: LINUX_ESP,
        keys: c.keys,
        exitConvention: arch === 'x86_64' ? 'isa-debug-exit' : 'psci',
        timeoutMs: 180_000,
        // The kernel is quiet for a while under TCG (decompression, then a quiet boot).
        silenceMs: 120_000,
        expect: [
          "[loader] menu: 2 entries, default 'tsboot'",
          /^\[loader\] > 2 linux \[linux\] \\linux\\vmlinuz-/,
          /^\[loader\] editing the command line \(at most 1023 bytes\): Enter boots, Esc cancels$/,
          `[loader] booting entry 'linux' (linux, \\linux\\vmlinuz-${arch})`,
          `[loader] cmdline: ${c.cmdline}`,
          new RegExp(`^\\[loader\\] read \\\\linux\\\\vmlinuz-${arch}: \\d+ bytes$`),
          new RegExp(`^\\[loader\\] initrd 1/2: \\\\linux\\\\init-${arch}\\.cpio, \\d+ bytes at offset 0$`),
          /^\[loader\] initrd 2\/2: \\linux\\payload\.cpio, \d+ bytes at offset \d+$/,
          /^\[loader\] starting \\linux\\vmlinuz-\w+ \(StartImage, image at 0x[0-9a-f]+, \d+ ms after loader entry\)$/,
          /^\[loader\] initrd: \d+ B served to the kernel through LoadFile2 \(LINUX_EFI_INITRD_MEDIA_GUID\)$/,
          `[init] tsboot test /init (${arch}) started by the kernel`,
          `[init] cmdline: ${c.cmdline}`,
          /^\[init\] initrd: \/payload\/data\.bin 65536 bytes, sha256 [0-9a-f]{64} matches/,
          '[init] PASS',
        ],
      });
      assert.ok(r.ok, explain(r));
      assert.is(r.verdictBy, 'init');
      assert.is(r.exit.code, 0, 'reboot(2) powered the machine off');
      const start = r.lines.map((l) => /StartImage, .*, (\d+) ms after loader entry/.exec(l.text)).find((m) => m);
      console.log(`    [${arch} ${firmware}] ${debianKernel(arch).pkg}: loader entry -> StartImage ${start?.[1]} ms; ` +
        `QEMU launch -> first [loader] ${(r.timings.firstLoaderMs! / 1000).toFixed(2)} s, -> [init] PASS ${(r.timings.verdictMs! / 1000).toFixed(2)} s`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
