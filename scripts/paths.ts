// Repository-relative paths and per-architecture names shared by the build, image and
// QEMU scripts. Every path is computed from this file's location so that the compiled
// copy (build/js/scripts/paths.js) and the source agree, whichever directory npm runs in.
import * as fs from 'fs';
import * as path from 'path';

export type Arch = 'x86_64' | 'aarch64';
export const ARCHES: readonly Arch[] = ['x86_64', 'aarch64'];

export function isArch(s: string): s is Arch {
  return (ARCHES as readonly string[]).includes(s);
}

let cachedRoot: string | undefined;

/** The repository root: the nearest directory above this file whose package.json is tsboot's. */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'tsboot') return (cachedRoot = dir);
      } catch {
        /* not ours; keep walking up */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the tsboot repository root above ${__dirname}`);
    dir = parent;
  }
}

/** Names that differ per architecture. */
export interface ArchInfo {
  arch: Arch;
  /** The removable-media boot file name the firmware looks for in \EFI\BOOT. */
  efiBootName: string;
  /** Compiler targets. */
  uefiTarget: string;
  elfTarget: string;
  /** QEMU system emulator binary. */
  qemuSystem: string;
  /** The gdb that can debug this architecture on an x86_64 Debian host. */
  gdb: string;
}

export function archInfo(arch: Arch): ArchInfo {
  if (arch === 'x86_64') {
    return { arch, efiBootName: 'BOOTX64.EFI', uefiTarget: 'x86_64-uefi', elfTarget: 'x86_64-elf', qemuSystem: 'qemu-system-x86_64', gdb: 'gdb' };
  }
  return { arch, efiBootName: 'BOOTAA64.EFI', uefiTarget: 'aarch64-uefi', elfTarget: 'aarch64-elf', qemuSystem: 'qemu-system-aarch64', gdb: 'gdb-multiarch' };
}

/** build/<arch>/ */
export function archBuildDir(arch: Arch): string {
  return path.join(repoRoot(), 'build', arch);
}

/** Boot artifacts produced by scripts/build.ts. */
export interface BootArtifacts {
  /** BOOTX64.EFI / BOOTAA64.EFI: what goes on the boot volume (the self-extracting loader). */
  loader: string;
  kernel: string;
  /** The loader itself (loader/main.ts), which `loader` holds compressed (linker/pack.ts). */
  loaderImage: string;
  /** The self-extracting stub's object (loader/unpack/main.ts), linked around the payload. */
  unpackStub: string;
}

export function bootArtifacts(arch: Arch): BootArtifacts {
  const dir = archBuildDir(arch);
  return {
    loader: path.join(dir, archInfo(arch).efiBootName), kernel: path.join(dir, `kernel-${arch}.elf`),
    loaderImage: path.join(dir, `loader-${arch}.efi`), unpackStub: path.join(dir, `unpack-${arch}.o`),
  };
}

/** A path relative to the current directory when that is shorter, for messages. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
