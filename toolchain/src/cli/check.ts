// `tsboot check <files|dirs...>`: the compiler's front end alone (parse and check, no code
// generation, no clang): the diagnostics of `tsboot compile` in a fraction of its time, and
// exit status 1 when there are any. Directories stand for the .ts files below them.
import * as fs from 'fs';
import * as path from 'path';
import type { Argv } from 'yargs';
import { ToolError } from '../diagnostics';
import { check } from '../driver';
import { TARGET_NAMES } from '../targets';
import { reportFailure } from './common';
import { programKind, targetOf } from './project';

interface CheckArgs {
  files: string[];
  target?: string;
  timings: boolean;
}

export function checkCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
    'check <files..>',
    'check subset sources: diagnostics only, no code generated (fast)',
    (c) => c
      .positional('files', { type: 'string', array: true, demandOption: true, describe: '.ts files, or directories of them' })
      .option('target', {
        choices: TARGET_NAMES,
        describe: 'the target to check for (default: x86_64-uefi when a file\'s main takes (image, systemTable), else x86_64-elf)',
      })
      .option('timings', { type: 'boolean', default: false, describe: 'print the time of each stage' })
      .example('$0 check src', 'every .ts file under src/'),
    (a) => {
      try {
        process.exitCode = runCheck(a as unknown as CheckArgs);
      } catch (e) {
        reportFailure(e);
      }
    },
  );
}

/** The .ts sources (not declaration files) in `dir`, without node_modules and build output. */
function sourcesIn(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'build' && !e.name.startsWith('.')) out.push(...sourcesIn(p));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function runCheck(a: CheckArgs): number {
  const files: string[] = [];
  for (const f of a.files) {
    let st: fs.Stats;
    try {
      st = fs.statSync(f);
    } catch {
      throw new ToolError(`${f}: no such file or directory`);
    }
    const found = st.isDirectory() ? sourcesIn(f) : [f];
    if (found.length === 0) throw new ToolError(`${f}: no .ts files in it`);
    files.push(...found);
  }
  // A program with an EFI application's main is checked as one; anything else as a kernel.
  const target = a.target ?? targetOf(files.some((f) => programKind(f) === 'efi-app') ? 'efi-app' : 'kernel', 'x86_64');
  const r = check(files, target);
  if (a.timings) process.stderr.write(Object.entries(r.timings).map(([k, v]) => `${k}: ${v.toFixed(1)} ms`).join('\n') + '\n');
  if (r.diagnostics.list.length) process.stdout.write(r.diagnostics.format() + '\n');
  if (r.ok) return 0;
  process.stdout.write(`${r.diagnostics.count} error${r.diagnostics.count === 1 ? '' : 's'} (checked for ${target})\n`);
  return 1;
}
