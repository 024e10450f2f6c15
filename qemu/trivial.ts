// Builds small EFI applications from C with Debian's clang-16 and lld-link-16: the trivial
// "firmware floor" application (qemu/trivial/floor-<arch>.c) that scripts/floor.ts times and
// the QEMU smoke test boots, and C fixtures for the PE reader's tests.
import * as fs from 'fs';
import * as path from 'path';
import { runTool } from '../scripts/exec';
import { Arch, repoRoot } from '../scripts/paths';

/** The line the floor application prints. */
export function floorLine(arch: Arch): string {
  return `[floor] trivial EFI application ${arch}`;
}

export function floorSource(arch: Arch): string {
  return path.join(repoRoot(), 'qemu', 'trivial', `floor-${arch}.c`);
}

/**
 * Compiles C sources into a PE32+ EFI application: `clang-16 -target <arch>-unknown-windows
 * -ffreestanding -c` per file, then `lld-link-16 /subsystem:efi_application /entry:efi_main
 * /nodefaultlib`. Objects go next to `out`. Returns `out`.
 */
export function compileEfiApp(arch: Arch, sources: string[], out: string, extraCflags: string[] = []): string {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const triple = arch === 'x86_64' ? 'x86_64-unknown-windows' : 'aarch64-unknown-windows';
  const objs: string[] = [];
  for (const src of sources) {
    const obj = path.join(path.dirname(out), path.basename(src).replace(/\.c$/, '') + `.${arch}.obj`);
    // No stack protector or stack probes: there is no C runtime to provide them.
    runTool('clang-16', ['-target', triple, '-ffreestanding', '-fno-stack-protector', '-fno-builtin', '-mno-stack-arg-probe', '-O2', '-Wall', '-Werror', ...extraCflags, '-c', src, '-o', obj]);
    objs.push(obj);
  }
  runTool('lld-link-16', ['/subsystem:efi_application', '/entry:efi_main', '/nodefaultlib', `/machine:${arch === 'x86_64' ? 'x64' : 'arm64'}`, `/out:${out}`, ...objs]);
  return out;
}

/** Builds the floor application for `arch` into `dir`; returns the .efi path. */
export function buildFloorApp(arch: Arch, dir: string): string {
  return compileEfiApp(arch, [floorSource(arch)], path.join(dir, `floor-${arch}.efi`));
}
