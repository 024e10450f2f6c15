// The `tsboot` command line.
import yargs from 'yargs';
import { compile, CompileOptions, Emit, OptLevel } from './driver';
import { ToolError } from './diagnostics';
import { TARGET_NAMES } from './targets';
import { withProjectCommands } from './cli/index';

/** Runs one compile and reports it: diagnostics, tool errors (exit 1), compiler bugs (exit 2). */
async function run(opts: CompileOptions, timings: boolean): Promise<void> {
  try {
    const r = await compile(opts);
    if (r.diagnostics.list.length) process.stderr.write(r.diagnostics.format() + '\n');
    if (!r.ok) {
      process.stderr.write(`${r.diagnostics.count} error${r.diagnostics.count === 1 ? '' : 's'}\n`);
      process.exitCode = 1;
      return;
    }
    if (timings) {
      // `process cpu`: this process's CPU time so far (Node's start, loading the compiler,
      // the compile; clang and lld are processes of their own and not in it).
      const cpu = process.cpuUsage();
      const all = { ...r.timings, 'process cpu': (cpu.user + cpu.system) / 1000 };
      process.stderr.write(Object.entries(all).map(([k, v]) => `${k}: ${v.toFixed(1)} ms`).join('\n') + '\n');
    }
  } catch (err) {
    if (err instanceof ToolError) {
      process.stderr.write(`tsboot: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    // Anything else is a compiler bug: say so plainly, with the trace for the bug report.
    const stack = (err as Error).stack;
    process.stderr.write(`tsboot: internal compiler error (please report it with the input):\n${stack}\n`);
    process.exitCode = 2;
  }
}

export function main(argv: string[]): void {
  // -O2 style flags are not yargs-shaped: -O2 becomes --opt=2, and a level that does not
  // exist is named as the user wrote it.
  const badLevel = argv.find((a) => /^-O/.test(a) && !/^-O[0-3z]$/.test(a));
  if (badLevel) {
    process.stderr.write(`tsboot: ${badLevel}: the optimisation level is one of -O0, -O1, -O2 (the default), -O3 `
      + 'and -Oz (size)\n');
    process.exitCode = 1;
    return;
  }
  const args = argv.map((a) => (/^-O[0-3z]$/.test(a) ? `--opt=${a.slice(2)}` : a));
  withProjectCommands(yargs(args)
    .scriptName('tsboot')
    .usage('$0 <command> [options]')
    .command('compile <entry>', 'compile a subset program', (y) => y
      .positional('entry', { type: 'string', describe: 'the entry .ts file (it exports main)', demandOption: true })
      .option('target', { alias: 't', choices: TARGET_NAMES, demandOption: true, describe: 'what to build for' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'output file' })
      .option('emit', {
        choices: ['ll', 'asm', 'obj', 'exe'] as const, default: 'exe' as const,
        describe: 'LLVM IR text, assembly, an object file, or a linked executable/EFI image',
      })
      .option('opt', {
        type: 'string', choices: ['0', '1', '2', '3', 'z'], default: '2',
        describe: 'optimisation level (also -O0 .. -O3; -Oz: for size, except @hot functions)',
      })
      .option('g', { type: 'boolean', default: false, describe: 'debug info: DWARF for ELF, CodeView/PDB for PE' })
      .option('linker-script', {
        type: 'string', describe: 'linker script for *-elf targets (default linker/kernel.ld)',
      })
      .option('timings', { type: 'boolean', default: false, describe: 'print the time of each stage' })
      .option('general-regs-only', {
        type: 'boolean', default: false,
        describe: '*-linux: no SSE/FP/SIMD registers, as the uefi and elf targets always build (to measure their code)',
      })
      .example('$0 compile loader/main.ts --target x86_64-uefi -o BOOTX64.EFI', '')
      .example('$0 compile hello.ts -t x86_64-linux -o hello -O0 -g', ''),
    (a) => run({
      entry: a.entry!, target: a.target as string, output: a.output, emit: a.emit as Emit,
      optLevel: (a.opt === 'z' ? 'z' : Number(a.opt)) as OptLevel, debug: a.g, linkerScript: a['linker-script'],
      generalRegsOnly: a['general-regs-only'],
    }, a.timings))
    )
    .demandCommand(1, 'give a command: tsboot new|run|check|compile|setup ... (tsboot <command> --help for each)')
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`tsboot: ${msg}\nrun \`tsboot --help\` for usage\n`);
      process.exit(1);
    })
    .parseAsync()
    .catch((err: Error) => {
      // A throw from a handler is a compiler bug: say so plainly, with the trace for the bug report.
      process.stderr.write(`tsboot: internal compiler error (please report it with the input):\n${err.stack}\n`);
      process.exitCode = 2;
    });
}
