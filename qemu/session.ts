// One boot of an ESP image in QEMU, judged by the serial harness: what `npm run qemu:<arch>`
// (qemu/boot.ts, tsboot's own loader and kernel) and `tsboot run` (a user's kernel or EFI
// application, toolchain/src/cli/run.ts) share. Both take the same options (bootOptions),
// boot through bootEsp, and exit 0 only on a PASS verdict (qemu/harness.ts: a
// `[kernel] PASS` / `[app] PASS` line, with QEMU's exit status agreeing).
import * as fs from 'fs';
import type { Argv } from 'yargs';
import { parsePe, sectionByName } from '../linker/pe';
import { FIRMWARE_NAMES, FirmwareName, FirmwareNotFoundError, prepareFirmware } from '../ovmf/firmware';
import { BuildError } from '../scripts/build';
import { formatCommand, ToolError } from '../scripts/exec';
import { Arch, archInfo, displayPath } from '../scripts/paths';
import { exitConventionFor, formatTimings, formatVerdict, HarnessResult, KeyStep, MENU_READY, runHarness, SerialLine } from './harness';
import { LinuxSetupError } from './linux';
import { OutputFileError } from './tail';
import { describeExit, DISK_BUSES, DiskBus, launchQemu, qemuCommand, X86_MACHINES, X86Machine } from './runner';

export const GDB_PORT = 1234;
const LOADER_ADDR = /\[loader\] loader@(0x[0-9a-fA-F]+)/;

/** The QEMU, firmware and harness options of a boot command (added to `y`). */
export function bootOptions<T>(y: Argv<T>) {
  return y
    .option('firmware', {
      choices: FIRMWARE_NAMES as readonly FirmwareName[], default: 'edk2' as FirmwareName,
      describe: 'UEFI implementation: EDK2 (OVMF 4 MiB / AAVMF), U-Boot, or the x86_64 OVMF 2 MiB and Secure Boot (SMM) builds',
    })
    .option('machine', { choices: X86_MACHINES as readonly X86Machine[], describe: 'x86_64 machine type (default q35)' })
    .option('disk-bus', {
      choices: DISK_BUSES as readonly DiskBus[], default: 'default' as DiskBus,
      describe: 'how the ESP is attached (default: AHCI/IDE on x86_64, virtio on aarch64; usb: EHCI usb-storage)',
    })
    .option('memory', { type: 'string', default: '256M', describe: 'guest RAM (QEMU syntax)' })
    .option('smp', { type: 'number', default: 1, describe: 'number of CPUs' })
    .option('cpu', { type: 'string', describe: 'CPU model (default qemu64 on x86_64, cortex-a72 on aarch64; e.g. max)' })
    .option('kvm', { type: 'boolean', default: false, describe: 'use KVM instead of TCG (x86_64 on an x86_64 host)' })
    .option('timeout', { type: 'number', describe: 'hard timeout in seconds (default 120; 3600 with --gdb)' })
    .option('silence', { type: 'number', default: 60, describe: 'fail after this many seconds without serial output (0: never)' })
    .option('gdb', { type: 'boolean', default: false, describe: `start paused with a gdbstub on tcp::${GDB_PORT} and print the gdb commands` })
    .option('cfg', { type: 'string', describe: 'file to put on the ESP as \\tsboot\\boot.cfg' })
    .option('entry', { type: 'string', describe: 'boot this boot.cfg entry, chosen in the loader\'s menu over serial' })
    .option('keys-via', { choices: ['arrows', 'digit'] as const, default: 'arrows' as const, describe: 'how --entry is chosen in the menu' })
    .option('reboot', {
      type: 'boolean', default: false,
      describe: 'let a guest reset restart the machine like real hardware (default: a reset ends QEMU, -no-reboot)',
    })
    .option('qemu-arg', {
      type: 'string', array: true, default: [] as string[],
      describe: 'extra QEMU argument (repeatable), e.g. --qemu-arg=-cpu --qemu-arg=max',
    })
    .option('echo', { type: 'boolean', default: true, describe: 'echo the serial log live (--no-echo: summary only)' })
    .option('serial-log', { type: 'string', describe: 'also keep the raw serial bytes (escape sequences included) in this file' })
    .option('print-command', { type: 'boolean', default: false, describe: 'print the QEMU command line before booting' });
}

/** What bootOptions parsed. */
export interface BootArgs {
  firmware: FirmwareName;
  machine?: X86Machine;
  'disk-bus': DiskBus;
  memory: string;
  smp: number;
  cpu?: string;
  kvm: boolean;
  timeout?: number;
  silence: number;
  gdb: boolean;
  cfg?: string;
  entry?: string;
  'keys-via': 'arrows' | 'digit';
  reboot: boolean;
  'qemu-arg': string[];
  echo: boolean;
  'serial-log'?: string;
  'print-command': boolean;
}

/** What is booted, for the gdb hints. */
export interface BootSymbols {
  /** The ELF file gdb loads first (a kernel), or undefined for an EFI application. */
  elf?: string;
  /** tsboot's loader on the ESP: its add-symbol-file command is printed when it reports its address. */
  loader?: string;
}

/** The file gdb should load for the loader's symbols: a debug companion when one exists. */
function loaderSymbolFile(loader: string): { file: string; found: boolean } {
  const candidates = [loader + '.debug', loader.replace(/\.EFI$/i, '.efi.debug'), loader.replace(/\.EFI$/i, '.debug'), loader.replace(/\.EFI$/i, '.elf')];
  for (const c of candidates) if (fs.existsSync(c)) return { file: c, found: true };
  return { file: loader + '.debug', found: false };
}

/** `add-symbol-file` for the loader at its runtime base (reported on serial by the loader). */
function addSymbolFileCommand(loader: string, base: bigint): string {
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

/**
 * Boots `esp` (a FAT image) on `arch` with the firmware and machine of `args`, streams the
 * serial log, prints the timings and the verdict line (prefixed `${tag}: `) and returns the
 * harness's result. The firmware's private VARS copy is removed whatever happens.
 */
export async function bootEsp(arch: Arch, esp: string, args: BootArgs, symbols: BootSymbols, tag: string): Promise<HarnessResult> {
  const say = (s: string) => console.log(`${tag}: ${s}`);
  const info = archInfo(arch);
  const fw = prepareFirmware(arch, { firmware: args.firmware });
  try {
    const timeoutS = args.timeout ?? (args.gdb ? 3600 : 120);
    const qemuOpts = {
      arch,
      firmware: fw,
      machine: args.machine,
      disk: esp,
      diskBus: args['disk-bus'],
      memory: args.memory,
      smp: args.smp,
      cpu: args.cpu,
      kvm: args.kvm,
      gdb: args.gdb,
      extraArgs: args['qemu-arg'],
      reboot: args.reboot,
    };
    if (args['print-command']) {
      const c = qemuCommand(qemuOpts);
      say(formatCommand(c.cmd, c.args));
    }
    say(`booting ${arch} (${args.kvm ? 'KVM' : 'TCG'}, ${args.memory}, ${args.smp} CPU${args.smp > 1 ? 's' : ''}, timeout ${timeoutS} s, ` +
      `firmware ${fw.label}${args.machine ? `, ${args.machine}` : ''}, disk ${args['disk-bus']})`);
    if (args.gdb) {
      const gdbCmd = `${info.gdb}${symbols.elf ? ` ${displayPath(symbols.elf)}` : ''} -ex 'target remote :${GDB_PORT}'`;
      say(`QEMU is paused with its gdbstub on tcp::${GDB_PORT}. In another terminal run:\n      ${gdbCmd}\n    then \`continue\`.` +
        (symbols.loader ? ' The loader\'s add-symbol-file command is printed when the loader reports its address.' : ''));
    }
    const keys: KeyStep[] = args.entry !== undefined ? [{ after: MENU_READY, choose: args.entry, via: args['keys-via'] }] : [];
    const proc = launchQemu({ ...qemuOpts, timeoutMs: timeoutS * 1000, echoStderr: process.stderr, serialLog: args['serial-log'] });
    const result = await runHarness(proc, {
      exitConvention: exitConventionFor(arch),
      keys,
      // Under gdb the guest may sit at a breakpoint for as long as the user likes.
      silenceMs: args.gdb ? 0 : args.silence * 1000,
      echo: args.echo ? process.stdout : undefined,
      onLine: (line: SerialLine) => {
        const m = args.gdb && symbols.loader ? LOADER_ADDR.exec(line.text) : null;
        if (m) say(`loader symbols, in gdb:\n      ${addSymbolFileCommand(symbols.loader!, BigInt(m[1]))}`);
      },
    });
    say(`${arch} timings:\n${formatTimings(result)}`);
    say(formatVerdict(result, arch));
    if (args['serial-log']) say(`raw serial bytes in ${displayPath(args['serial-log'])}`);
    if (!result.ok && result.exit.stderr.trim() && result.failure?.kind !== 'exit-code') {
      // stderr was echoed live; repeat QEMU's exit for context.
      say(`QEMU ${describeExit(arch, result.exit)}`);
    }
    return result;
  } finally {
    fw.cleanup();
  }
}

/** Failures that are the user's or the machine's (a build error, missing firmware or tools),
 *  reported without a stack trace. */
export function isUserFacingError(e: unknown): boolean {
  return e instanceof BuildError || e instanceof FirmwareNotFoundError || e instanceof ToolError ||
    e instanceof OutputFileError || e instanceof LinuxSetupError;
}
