// The lld drivers: lld-link for PE32+ EFI applications (reproducible: /Brepro puts a hash
// of the image where the link time would go), ld.lld for ELF kernels (with a
// linker script) and for the static Linux test executables.
import * as path from 'path';
import { ToolError } from '../toolchain/src/diagnostics';
import { findTools, runTool } from '../toolchain/src/link/tools';
import { REPO_ROOT } from '../toolchain/src/paths';

export const LINKER_DIR = path.join(REPO_ROOT, 'linker');
export const DEFAULT_KERNEL_SCRIPT = path.join(LINKER_DIR, 'kernel.ld');

export interface LinkRequest {
  kind: 'pe' | 'elf-kernel' | 'linux';
  arch: 'x86_64' | 'aarch64';
  objects: string[];
  output: string;
  debug: boolean;
  linkerScript?: string;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const r = await runTool(cmd, args);
  if (r.status !== 0) throw new ToolError(`${cmd} failed:\n${r.output.trim()}\n(command: ${cmd} ${args.join(' ')})`);
}

export async function link(req: LinkRequest): Promise<void> {
  const tools = findTools();
  if (req.kind === 'pe') {
    const args = ['/subsystem:efi_application', '/entry:efi_main', '/nodefaultlib', `/machine:${req.arch === 'x86_64' ? 'x64' : 'arm64'}`,
      '/opt:ref', '/opt:icf', '/Brepro', `/out:${req.output}`, ...req.objects];
    if (req.debug) args.push('/debug', `/pdb:${req.output.replace(/\.[^.\/]+$/, '')}.pdb`);
    return run(tools.lldLink, args);
  }
  if (req.kind === 'elf-kernel') {
    const script = req.linkerScript ?? DEFAULT_KERNEL_SCRIPT;
    return run(tools.ldLld, ['-nostdlib', '-static', '--no-pie', '-z', 'max-page-size=4096', '--gc-sections', '--build-id=none', '-T', script, '-o', req.output, ...req.objects]);
  }
  return run(tools.ldLld, ['-nostdlib', '-static', '--no-pie', '-e', '_start', '--gc-sections', '-o', req.output, ...req.objects]);
}
