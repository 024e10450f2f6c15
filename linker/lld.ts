// The lld drivers: lld-link for PE32+ EFI applications (reproducible: /Brepro puts a hash
// of the image where the link time would go), ld.lld for ELF kernels (with a linker
// script) and for the static Linux test executables. Links run as child processes
// without blocking this thread, so that a build can link one artifact while it checks
// the next.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ToolError } from '../toolchain/src/diagnostics';
import { findTools, runTool } from '../toolchain/src/link/tools';
import { REPO_ROOT } from '../toolchain/src/paths';
import { checkKsymsStable, ksymsObject } from './ksyms';

export const LINKER_DIR = path.join(REPO_ROOT, 'linker');
export const DEFAULT_KERNEL_SCRIPT = path.join(LINKER_DIR, 'kernel.ld');

/**
 * Section data in the file is aligned to 32 bytes, not lld-link's default 512: the
 * padding of four sections and the headers was 2 KB of a 32 KiB loader. Firmware reads
 * sections by PointerToRawData and never relies on 512 (EDK2's own ELF-to-PE converter,
 * GenFw, and Linux's x86 EFI stub image have long used 0x20); in memory every section
 * still starts on its own 4 KiB page (SectionAlignment), so page protections still apply.
 */
export const PE_FILE_ALIGNMENT = 32;

export interface LinkRequest {
  kind: 'pe' | 'elf-kernel' | 'linux';
  arch: 'x86_64' | 'aarch64';
  objects: string[];
  output: string;
  debug: boolean;
  linkerScript?: string;
  /** The PDB path recorded in a PE image with debug info (default: next to the output). */
  pdbPath?: string;
  /** PE: sections to merge, as lld-link's /merge:from=to. */
  merge?: string[];
}

async function run(cmd: string, args: string[]): Promise<void> {
  const r = await runTool(cmd, args);
  if (r.status !== 0) throw new ToolError(`${cmd} failed:\n${r.output.trim()}\n(command: ${cmd} ${args.join(' ')})`);
}

export async function link(req: LinkRequest): Promise<void> {
  const tools = findTools();
  if (req.kind === 'pe') {
    const args = ['/subsystem:efi_application', '/entry:efi_main', '/nodefaultlib', `/machine:${req.arch === 'x86_64' ? 'x64' : 'arm64'}`,
      '/opt:ref', '/opt:icf', '/Brepro', `/filealign:${PE_FILE_ALIGNMENT}`, `/out:${req.output}`, ...req.objects];
    for (const m of req.merge ?? []) args.push(`/merge:${m}`);
    if (req.debug) {
      args.push('/debug', `/pdb:${req.output.replace(/\.[^.\/]+$/, '')}.pdb`);
      if (req.pdbPath) args.push(`/pdbaltpath:${req.pdbPath}`);
    }
    return run(tools.lldLink, args);
  }
  if (req.kind === 'elf-kernel') {
    const script = req.linkerScript ?? DEFAULT_KERNEL_SCRIPT;
    const args = ['-nostdlib', '-static', '--no-pie', '-z', 'max-page-size=4096', '--gc-sections', '--build-id=none', '-T', script, '-o', req.output];
    await run(tools.ldLld, [...args, ...req.objects]);
    // Second link with the kernel's own symbol table (linker/ksyms.ts), when the script has room for it.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-ksyms-'));
    try {
      const ksyms = ksymsObject(req.output, tools.clang, `${req.arch}-unknown-none-elf`, tmp);
      if (ksyms) {
        await run(tools.ldLld, [...args, ...req.objects, ksyms.object]);
        checkKsymsStable(req.output, ksyms.symbols);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  return run(tools.ldLld, ['-nostdlib', '-static', '--no-pie', '-e', '_start', '--gc-sections', '-o', req.output, ...req.objects]);
}
