// `npm run qemu:x86_64` / `npm run qemu:aarch64`: build the loader and kernel (incremental),
// put them on an ESP, boot QEMU with UEFI firmware (EDK2's OVMF/AAVMF or U-Boot), stream the
// serial log live, print the timing summary and exit 0 only when the verdict is PASS:
// `[kernel] PASS` from tsboot's kernel, or `[init] PASS` from the test initramfs under Linux.
//
// `--entry <name>` picks a boot.cfg entry in the loader's menu by typing on the serial
// console (the harness's `choose` key step). Without `--cfg` the ESP then holds
// docs/examples/boot.cfg and everything it names: tsboot's kernel, Debian's kernel and the
// test initramfs (qemu/linux.ts), so `--entry linux` boots Debian's kernel to /init.
//
//   node build/js/qemu/boot.js --arch x86_64 [--firmware edk2|uboot|edk2-2m|edk2-secboot]
//        [--machine q35|pc] [--disk-bus default|virtio|nvme|usb] [--memory 256M] [--smp 1]
//        [--kvm] [--timeout 120] [--gdb] [--cpu MODEL] [--no-build] [--cfg FILE] [--entry NAME]
//        [--serial-log FILE]
//        [--qemu-arg ARG ...]
import * as fs from 'fs';
import * as path from 'path';
import yargs from 'yargs';
import { parsePe, sectionByName } from '../linker/pe';
import { FIRMWARE_NAMES, FirmwareName, FirmwareNotFoundError, prepareFirmware } from '../ovmf/firmware';
import { buildArch, BuildError } from '../scripts/build';
import { buildEsp, EspFile } from '../scripts/esp';
import { formatCommand, ToolError } from '../scripts/exec';
import { Arch, ARCHES, archBuildDir, archInfo, bootArtifacts, displayPath } from '../scripts/paths';
import { exitConventionFor, formatTimings, formatVerdict, MENU_READY, runHarness, SerialLine } from './harness';
import { debianKernel, exampleCfgPath, exampleEspFiles, LINUX_ESP, LinuxSetupError } from './linux';
import { OutputFileError } from './tail';
import { describeExit, DISK_BUSES, DiskBus, launchQemu, qemuCommand, X86_MACHINES, X86Machine } from './runner';

const GDB_PORT = 1234;
const LOADER_ADDR = /\[loader\] loader@(0x[0-9a-fA-F]+)/;

function parseArgs() {
  return yargs(process.argv.slice(2))
    .scriptName('qemu')
    .usage(
      '$0 --arch <x86_64|aarch64> [options]\n\n' +
        'Builds the loader and kernel, boots them in QEMU with UEFI firmware, streams the serial\n' +
        'log and exits 0 only when the kernel prints `[kernel] PASS` (or, under Linux, /init\n' +
        'prints `[init] PASS`).',
    )
    .option('arch', { choices: ARCHES as Arch[], demandOption: true, describe: 'guest architecture' })
    .option('firmware', {
      choices: FIRMWARE_NAMES as readonly FirmwareName[], default: 'edk2' as FirmwareName,
      describe: 'UEFI implementation: EDK2 (OVMF 4 MiB / AAVMF), U-Boot, or the x86_64 OVMF 2 MiB and Secure Boot (SMM) builds',
    })
    .option('machine', { choices: X86_MACHINES as readonly X86Machine[], describe: 'x86_64 machine type (default q35)' })
    .option('disk-bus', { choices: DISK_BUSES as readonly DiskBus[], default: 'default' as DiskBus, describe: 'how the ESP is attached (default: AHCI/IDE on x86_64, virtio on aarch64; usb: EHCI usb-storage)' })
    .option('memory', { type: 'string', default: '256M', describe: 'guest RAM (QEMU syntax)' })
    .option('smp', { type: 'number', default: 1, describe: 'number of CPUs' })
    .option('cpu', { type: 'string', describe: 'CPU model (default qemu64 on x86_64, cortex-a72 on aarch64; e.g. max)' })
    .option('kvm', { type: 'boolean', default: false, describe: 'use KVM instead of TCG (x86_64 on an x86_64 host)' })
    .option('timeout', { type: 'number', describe: 'hard timeout in seconds (default 120; 3600 with --gdb)' })
    .option('silence', { type: 'number', default: 60, describe: 'fail after this many seconds without serial output (0: never)' })
    .option('gdb', { type: 'boolean', default: false, describe: `start paused with a gdbstub on tcp::${GDB_PORT} and print the gdb commands` })
    .option('debug', { alias: 'g', type: 'boolean', default: false, describe: 'build with debug info (-g)' })
    .option('build', { type: 'boolean', default: true, describe: 'build first (--no-build boots the existing images)' })
    .option('cfg', { type: 'string', describe: 'file to put on the ESP as \\tsboot\\boot.cfg' })
    .option('entry', {
      type: 'string',
      describe: 'boot this boot.cfg entry, chosen in the menu over serial; without --cfg the ESP holds ' +
        'docs/examples/boot.cfg and its files (entries tsboot and linux)',
    })
    .option('keys-via', { choices: ['arrows', 'digit'] as const, default: 'arrows' as const, describe: 'how --entry is chosen in the menu' })
    .option('reboot', { type: 'boolean', default: false, describe: 'let a guest reset restart the machine like real hardware (default: a reset ends QEMU, -no-reboot)' })
    .option('qemu-arg', { type: 'string', array: true, default: [] as string[], describe: 'extra QEMU argument (repeatable), e.g. --qemu-arg=-cpu --qemu-arg=max' })
    .option('echo', { type: 'boolean', default: true, describe: 'echo the serial log live (--no-echo: summary only)' })
    .option('serial-log', { type: 'string', describe: 'also keep the raw serial bytes (escape sequences included) in this file' })
    .option('print-command', { type: 'boolean', default: false, describe: 'print the QEMU command line before booting' })
    .strict()
    .version(false)
    .help()
    .parseSync();
}

/** The file gdb should load for the loader's symbols: a debug companion when one exists. */
function loaderSymbolFile(loader: string): { file: string; found: boolean } {
  const candidates = [loader + '.debug', loader.replace(/\.EFI$/i, '.efi.debug'), loader.replace(/\.EFI$/i, '.debug'), loader.replace(/\.EFI$/i, '.elf')];
  for (const c of candidates) if (fs.existsSync(c)) return { file: c, found: true };
  return { file: loader + '.debug', found: false };
}

/** `add-symbol-file` for the loader at its runtime base (reported on serial by the loader). */
function addSymbolFileCommand(arch: Arch, base: bigint): string {
  const { loader } = bootArtifacts(arch);
  const sym = loaderSymbolFile(loader);
  let text = base;
  let extra = '';
  try {
    // gdb wants the address of .text, i.e. base + .text's RVA in the PE image.
    const pe = parsePe(fs.readFileSync(loader));
    const t = sectionByName(pe, '.text');
    if (t) text = base + BigInt(t.rva);
    const d = sectionByName(pe, '.data');
    if (d) extra = ` -s .data 0x${(base + BigInt(d.rva)).toString(16)}`;
  } catch (e) {
    extra = `   # (could not read ${displayPath(loader)}: ${(e as Error).message}; using the image base)`;
  }
  const cmd = `add-symbol-file ${displayPath(sym.file)} 0x${text.toString(16)}${extra}`;
  return sym.found ? cmd : `${cmd}\n      (${displayPath(sym.file)} does not exist: build with -g for loader symbols)`;
}

async function main(): Promise<number> {
  const argv = parseArgs();
  const arch = argv.arch;
  const info = archInfo(arch);
  const art = bootArtifacts(arch);
  const say = (s: string) => console.log(`qemu: ${s}`);

  if (argv.build) await buildArch(arch, { debug: argv.debug || undefined });
  for (const f of [art.loader, art.kernel]) {
    if (!fs.existsSync(f)) throw new BuildError(`${displayPath(f)} does not exist; run without --no-build (or \`npm run build\`)`);
  }

  let files: EspFile[] = [
    { hostPath: art.loader, espPath: `/EFI/BOOT/${info.efiBootName}` },
    { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
  ];
  const esp = path.join(archBuildDir(arch), 'esp.img');
  if (argv.entry !== undefined && !argv.cfg) {
    const dir = path.join(archBuildDir(arch), 'example-esp');
    fs.mkdirSync(dir, { recursive: true });
    files = exampleEspFiles(arch, dir);
    say(`ESP from ${displayPath(exampleCfgPath())}; Linux: ${debianKernel(arch).pkg}`);
    buildEsp(esp, files, LINUX_ESP);
  } else {
    if (argv.cfg) files.push({ hostPath: path.resolve(argv.cfg), espPath: '/tsboot/boot.cfg' });
    buildEsp(esp, files, argv.entry !== undefined ? LINUX_ESP : {});
  }
  say(`ESP ${displayPath(esp)}: ${files.map((f) => f.espPath).join(', ')}`);

  const fw = prepareFirmware(arch, { firmware: argv.firmware });
  try {
    const timeoutS = argv.timeout ?? (argv.gdb ? 3600 : 120);
    const qemuOpts = {
      arch,
      firmware: fw,
      machine: argv.machine,
      disk: esp,
      diskBus: argv['disk-bus'],
      memory: argv.memory,
      smp: argv.smp,
      cpu: argv.cpu,
      kvm: argv.kvm,
      gdb: argv.gdb,
      extraArgs: argv['qemu-arg'],
      reboot: argv.reboot,
    };
    if (argv['print-command']) {
      const c = qemuCommand(qemuOpts);
      say(formatCommand(c.cmd, c.args));
    }
    say(`booting ${arch} (${argv.kvm ? 'KVM' : 'TCG'}, ${argv.memory}, ${argv.smp} CPU${argv.smp > 1 ? 's' : ''}, timeout ${timeoutS} s, firmware ${fw.label}${argv.machine ? `, ${argv.machine}` : ''}, disk ${argv['disk-bus']})`);
    if (argv.gdb) {
      const gdbCmd = `${info.gdb} ${displayPath(art.kernel)} -ex 'target remote :${GDB_PORT}'`;
      say(`QEMU is paused with its gdbstub on tcp::${GDB_PORT}. In another terminal run:\n      ${gdbCmd}\n    then \`continue\`. The loader's add-symbol-file command is printed when the loader reports its address.`);
    }
    const proc = launchQemu({ ...qemuOpts, timeoutMs: timeoutS * 1000, echoStderr: process.stderr, serialLog: argv['serial-log'] });
    const result = await runHarness(proc, {
      exitConvention: exitConventionFor(arch),
      keys: argv.entry !== undefined ? [{ after: MENU_READY, choose: argv.entry, via: argv['keys-via'] }] : [],
      // Under gdb the guest may sit at a breakpoint for as long as the user likes.
      silenceMs: argv.gdb ? 0 : argv.silence * 1000,
      echo: argv.echo ? process.stdout : undefined,
      onLine: (line: SerialLine) => {
        const m = argv.gdb ? LOADER_ADDR.exec(line.text) : null;
        if (m) say(`loader symbols, in gdb:\n      ${addSymbolFileCommand(arch, BigInt(m[1]))}`);
      },
    });
    console.log(`qemu: ${arch} timings:\n${formatTimings(result)}`);
    console.log(`qemu: ${formatVerdict(result, arch)}`);
    if (argv['serial-log']) say(`raw serial bytes in ${displayPath(argv['serial-log'])}`);
    if (!result.ok && result.exit.stderr.trim() && result.failure?.kind !== 'exit-code') {
      // stderr was echoed live; repeat QEMU's exit for context.
      console.log(`qemu: QEMU ${describeExit(arch, result.exit)}`);
    }
    return result.ok ? 0 : 1;
  } finally {
    fw.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    // User-facing failures (missing firmware, build errors, mtools errors) without a stack.
    const known = e instanceof BuildError || e instanceof FirmwareNotFoundError || e instanceof ToolError ||
      e instanceof OutputFileError || e instanceof LinuxSetupError;
    console.error(`qemu: ${known ? e.message : e.stack ?? e.message}`);
    process.exit(1);
  },
);
