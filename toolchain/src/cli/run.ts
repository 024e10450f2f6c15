// `tsboot run <entry.ts|kernel.elf|app.efi> --arch x86_64|aarch64`: compiles a subset
// program, puts it on an ESP (a kernel behind tsboot's loader with a one-entry boot.cfg; an
// EFI application alone, as the firmware's removable-media default), boots QEMU through the
// same runner and harness as `npm run qemu:<arch>` (qemu/session.ts), streams the serial log
// and exits 0 only on the program's PASS verdict (docs/your-kernel.md, "Verdicts").
import * as fs from 'fs';
import * as path from 'path';
import type { Argv } from 'yargs';
import { parseElf } from '../../../linker/elf';
import { parsePe } from '../../../linker/pe';
import { qemuCommand } from '../../../qemu/runner';
import { bootEsp, bootOptions, BootArgs } from '../../../qemu/session';
import { bootCfgText, cmdlineProblem } from '../../../scripts/bootcfg';
import { buildArch, BuildError } from '../../../scripts/build';
import { buildEsp, EspFile } from '../../../scripts/esp';
import { Arch, ARCHES, archInfo, bootArtifacts, displayPath } from '../../../scripts/paths';
import { ToolError } from '../diagnostics';
import { compile } from '../driver';
import { reportFailure, requireTools } from './common';
import { isCheckout, ProgramKind, programKind, PROGRAM_KINDS, projectRoot, targetOf } from './project';

interface RunArgs extends BootArgs {
  program: string;
  arch: Arch;
  kind?: ProgramKind;
  cmdline?: string;
  'out-dir'?: string;
  debug: boolean;
  opt: number;
}

const say = (s: string) => console.log(`tsboot: ${s}`);

export function runCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
    'run <program>',
    'compile a kernel or EFI application, boot it in QEMU and report its verdict',
    (c) => bootOptions(c
      .positional('program', { type: 'string', demandOption: true, describe: 'a subset source (.ts, with its main), a kernel (.elf) or an EFI application (.efi)' })
      .option('arch', { choices: ARCHES as Arch[], demandOption: true, describe: 'guest architecture' })
      .option('kind', {
        choices: PROGRAM_KINDS as ProgramKind[],
        describe: 'what a .ts program is (default: from its main: main(image, systemTable) is an EFI application, main(bootInfo) a kernel)',
      })
      .option('cmdline', { type: 'string', describe: 'the kernel command line in the generated boot.cfg (BootInfo.cmdline)' })
      .option('out-dir', { type: 'string', describe: 'where the compiled program and the ESP go (default build/<arch> in the project)' })
      .option('debug', { alias: 'g', type: 'boolean', default: false, describe: 'compile with debug info (-g)' })
      .option('opt', { type: 'number', choices: [0, 1, 2, 3], default: 2, describe: 'optimisation level' }))
      .example('$0 run src/kernel.ts --arch x86_64', 'compile and boot a kernel behind tsboot\'s loader')
      .example('$0 run src/kernel.ts --arch aarch64 --gdb', 'start paused, with a gdbstub on tcp::1234')
      .example('$0 run build/x86_64/app.efi --arch x86_64 --firmware uboot', 'boot an EFI application under U-Boot')
      .epilogue('The run passes when the program prints the verdict line `[kernel] PASS` (a kernel) or `[app] PASS` ' +
        '(an EFI application) and powers off; `[kernel] FAIL: <reason>`, a panic, a CPU exception, silence or the ' +
        'timeout fail it. tsboot/protocol and tsboot/uefi print them (kernelPass, appPass, ...).'),
    async (a) => {
      try {
        process.exitCode = await run(a as unknown as RunArgs);
      } catch (e) {
        reportFailure(e);
      }
    },
  );
}

/** What the file is, from its extension (and, for a source, its main or --kind). */
function kindOf(a: RunArgs, program: string): ProgramKind {
  const ext = path.extname(program).toLowerCase();
  if (ext === '.ts') return a.kind ?? programKind(program);
  const kind: ProgramKind | undefined = ext === '.elf' ? 'kernel' : ext === '.efi' ? 'efi-app' : undefined;
  if (!kind) throw new ToolError(`${a.program}: give a subset source (.ts), a kernel (.elf) or an EFI application (.efi)`);
  if (a.kind && a.kind !== kind) throw new ToolError(`${a.program} is ${kind === 'kernel' ? 'a kernel' : 'an EFI application'} by its extension, not --kind ${a.kind}`);
  return kind;
}

/** Refuses an image for the wrong architecture or of the wrong format before QEMU does. */
function checkImage(image: string, kind: ProgramKind, arch: Arch): void {
  const data = fs.readFileSync(image);
  let machine: string;
  try {
    machine = kind === 'kernel' ? parseElf(data).machineName : parsePe(data).machineName;
  } catch (e) {
    throw new ToolError(`${displayPath(image)} is not ${kind === 'kernel' ? 'an ELF kernel' : 'a PE32+ EFI application'}: ${(e as Error).message}`);
  }
  if (machine !== arch) throw new ToolError(`${displayPath(image)} is built for ${machine}, not ${arch}`);
}

/** tsboot's loader for `arch`: shipped prebuilt in the package; a checkout rebuilds it when stale. */
async function loaderFor(arch: Arch): Promise<string> {
  const { loader } = bootArtifacts(arch);
  if (isCheckout() || !fs.existsSync(loader)) await buildArch(arch, { only: 'loader', log: say });
  if (!fs.existsSync(loader)) throw new BuildError(`tsboot's ${arch} loader ${displayPath(loader)} is missing`);
  return loader;
}

async function run(a: RunArgs): Promise<number> {
  const arch = a.arch;
  const program = path.resolve(a.program);
  if (!fs.existsSync(program)) throw new ToolError(`${a.program}: no such file`);
  const kind = kindOf(a, program);
  const isSource = path.extname(program).toLowerCase() === '.ts';
  if (kind === 'efi-app' && (a.cmdline !== undefined || a.cfg !== undefined || a.entry !== undefined)) {
    throw new ToolError('--cmdline, --cfg and --entry are for kernels (they go to tsboot\'s loader); an EFI application boots alone');
  }
  if (a.cmdline !== undefined && a.cfg !== undefined) throw new ToolError('give either --cmdline (for the generated boot.cfg) or --cfg (your own), not both');
  if (a.cmdline !== undefined) {
    const why = cmdlineProblem(a.cmdline);
    if (why) throw new ToolError(`--cmdline: ${why}`);
  }
  requireTools(arch, isSource);
  try {
    // The machine options are checked where the QEMU command line is made: before compiling.
    qemuCommand({ arch, firmware: { code: 'firmware' }, machine: a.machine, memory: a.memory, smp: a.smp, kvm: a.kvm });
  } catch (e) {
    throw new ToolError((e as Error).message);
  }

  const outDir = path.resolve(a['out-dir'] ?? path.join(projectRoot(program), 'build', arch));
  fs.mkdirSync(outDir, { recursive: true });
  let image = program;
  if (isSource) {
    const target = targetOf(kind, arch);
    image = path.join(outDir, path.basename(program, path.extname(program)) + (kind === 'kernel' ? '.elf' : '.efi'));
    say(`compiling ${displayPath(program)} as ${kind === 'kernel' ? 'a kernel' : 'an EFI application'} (${target}` +
      `${a.kind ? '' : ', from its main; --kind overrides'}) -> ${displayPath(image)}`);
    const start = Date.now();
    const r = await compile({ entry: program, target, output: image, optLevel: a.opt as 0 | 1 | 2 | 3, debug: a.debug });
    if (!r.ok) {
      process.stderr.write(r.diagnostics.format() + '\n');
      process.stderr.write(`${r.diagnostics.count} error${r.diagnostics.count === 1 ? '' : 's'}\n`);
      return 1;
    }
    say(`compiled in ${((Date.now() - start) / 1000).toFixed(1)} s (${fs.statSync(image).size} bytes)`);
  }
  checkImage(image, kind, arch);

  const bootName = archInfo(arch).efiBootName;
  let files: EspFile[];
  let loader: string | undefined;
  if (kind === 'kernel') {
    loader = await loaderFor(arch);
    const kernelPath = `/tsboot/kernel-${arch}.elf`;
    let cfg = a.cfg !== undefined ? path.resolve(a.cfg) : path.join(outDir, 'boot.cfg');
    if (a.cfg === undefined) {
      fs.writeFileSync(cfg, bootCfgText([{ name: path.basename(image, path.extname(image)), protocol: 'tsboot', path: kernelPath, cmdline: a.cmdline }], {
        comments: [`Written by \`tsboot run\` for ${displayPath(image)} (grammar: tsboot's docs/boot-protocol.md).`],
      }));
    } else if (!fs.existsSync(cfg)) {
      throw new ToolError(`--cfg ${a.cfg}: no such file`);
    }
    files = [
      { hostPath: loader, espPath: `/EFI/BOOT/${bootName}` },
      { hostPath: image, espPath: kernelPath },
      { hostPath: cfg, espPath: '/tsboot/boot.cfg' },
    ];
  } else {
    files = [{ hostPath: image, espPath: `/EFI/BOOT/${bootName}` }];
  }
  const esp = path.join(outDir, 'esp.img');
  try {
    buildEsp(esp, files);
  } catch (e) {
    throw new ToolError((e as Error).message); // a missing input or mtools' complaint
  }
  say(`ESP ${displayPath(esp)}: ${files.map((f) => `${f.espPath} (${displayPath(f.hostPath)})`).join(', ')}`);
  const result = await bootEsp(arch, esp, a, { elf: kind === 'kernel' ? image : undefined, loader }, 'tsboot');
  return result.ok ? 0 : 1;
}
