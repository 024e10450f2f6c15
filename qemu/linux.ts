// What the loader's `linux` protocol is tested with, end to end: Debian's own kernel and a
// test initramfs built here.
//
//   - the kernel: build/linux/<arch>/vmlinuz, fetched by scripts/setup.js (pinned there);
//   - /linux/init-<arch>.cpio: /init, a static program tsboot compiles for <arch>-linux
//     (tests/subset/init/main.ts), with /dev/console and /proc;
//   - /linux/payload.cpio: a second archive with a payload and its SHA-256, which /init
//     checks: the loader serves both initrd= files as one, and /init can only pass if the
//     second arrived intact behind the first.
//
// The ESP paths are those of docs/examples/boot.cfg, the example in docs/boot-protocol.md,
// which is what `npm run qemu:<arch> -- --entry linux` and tests/boot/linux.test.ts boot.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cpioNewc } from '../scripts/cpio';
import type { EspFile } from '../scripts/esp';
import { Arch, bootArtifacts, displayPath, repoRoot } from '../scripts/paths';

/** The example boot.cfg of docs/boot-protocol.md (the docs include it verbatim; a test checks). */
export function exampleCfgPath(): string {
  return path.join(repoRoot(), 'docs', 'examples', 'boot.cfg');
}

/** A setup problem (no kernel fetched, /init does not compile): printed without a stack. */
export class LinuxSetupError extends Error {}

/** Debian's kernel for `arch`, as scripts/setup.js fetched it. */
export function debianKernel(arch: Arch): { file: string; pkg: string } {
  const dir = path.join(repoRoot(), 'build', 'linux', arch);
  const file = path.join(dir, 'vmlinuz');
  let pkg = '';
  try {
    pkg = fs.readFileSync(path.join(dir, 'package.txt'), 'utf8').trim();
  } catch {
    /* reported below */
  }
  if (!fs.existsSync(file) || !pkg) {
    throw new LinuxSetupError(
      `Debian's ${arch} kernel is not in ${displayPath(dir)}: run \`npm run setup\` (it fetches it with apt-get download)`);
  }
  return { file, pkg };
}

function newest(files: string[]): number {
  let t = 0;
  for (const f of files) {
    try {
      t = Math.max(t, fs.statSync(f).mtimeMs);
    } catch {
      /* a missing input is the compiler's to report */
    }
  }
  return t;
}

/** Compiles /init for `arch` into build/linux/<arch>/init when it is missing or older than its sources. */
export function buildInit(arch: Arch): string {
  const root = repoRoot();
  const src = path.join(root, 'tests', 'subset', 'init', 'main.ts');
  const out = path.join(root, 'build', 'linux', arch, 'init');
  const inputs = [src, path.join(root, 'tests', 'subset', 'lib', 'linux.ts'), path.join(root, 'common', 'sha256.ts'),
    path.join(root, 'build', 'js', 'toolchain', 'src', 'cli.js')];
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newest(inputs)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const args = [path.join(root, 'bin', 'tsboot.js'), 'compile', src, '--target', `${arch}-linux`, '-o', out];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new LinuxSetupError(`compiling the test /init for ${arch} failed:\n${r.stdout}${r.stderr}`);
  return out;
}

/** The first initrd archive: /init with the directories and device node it needs. */
export function initArchive(initExe: string): Buffer {
  return cpioNewc([
    { name: 'dev', kind: 'dir', perm: 0o755 },
    // The kernel opens /dev/console as /init's stdin, stdout and stderr.
    { name: 'dev/console', kind: 'char', perm: 0o600, rdev: [5, 1] },
    { name: 'proc', kind: 'dir', perm: 0o755 },
    { name: 'init', kind: 'file', perm: 0o755, data: fs.readFileSync(initExe) },
  ]);
}

/** 64 KiB of xorshift32 bytes: the same payload every run. */
export function payloadBytes(): Buffer {
  const b = Buffer.alloc(64 * 1024);
  let s = 0x2545f491;
  for (let i = 0; i < b.length; i += 4) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    b.writeUInt32LE(s, i);
  }
  return b;
}

/** The second initrd archive: the payload and its SHA-256 (hex) for /init to check. */
export function payloadArchive(): { cpio: Buffer; sha256: string } {
  const data = payloadBytes();
  const sha256 = createHash('sha256').update(data).digest('hex');
  const cpio = cpioNewc([
    { name: 'payload', kind: 'dir', perm: 0o755 },
    { name: 'payload/data.bin', kind: 'file', perm: 0o644, data },
    { name: 'payload/data.sha256', kind: 'file', perm: 0o644, data: Buffer.from(sha256 + '\n') },
  ]);
  return { cpio, sha256 };
}

/**
 * The ESP files docs/examples/boot.cfg names for `arch`: the loader, tsboot's kernel,
 * Debian's kernel and the two initrd archives (written into `dir`), and the example itself
 * as \tsboot\boot.cfg.
 */
export function exampleEspFiles(arch: Arch, dir: string): EspFile[] {
  const art = bootArtifacts(arch);
  const kernel = debianKernel(arch);
  const init = path.join(dir, `init-${arch}.cpio`);
  fs.writeFileSync(init, initArchive(buildInit(arch)));
  const payload = path.join(dir, 'payload.cpio');
  fs.writeFileSync(payload, payloadArchive().cpio);
  return [
    { hostPath: art.loader, espPath: `/EFI/BOOT/${arch === 'x86_64' ? 'BOOTX64.EFI' : 'BOOTAA64.EFI'}` },
    { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
    { hostPath: kernel.file, espPath: `/linux/vmlinuz-${arch}` },
    { hostPath: init, espPath: `/linux/init-${arch}.cpio` },
    { hostPath: payload, espPath: '/linux/payload.cpio' },
    { hostPath: exampleCfgPath(), espPath: '/tsboot/boot.cfg' },
  ];
}

/** An ESP big enough for Debian's arm64 Image (33 MB): FAT32, sparse on the host. */
export const LINUX_ESP = { sizeMiB: 128, fat32: true } as const;
