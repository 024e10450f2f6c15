// `npm run fuzz -- [--count N] [--seed S] [--arch x86_64|aarch64|both] [--keep]`
// Generates random integer programs in the subset and in C, runs both, compares output and
// exit status: 2,000 programs by default, each on both architectures. Mismatching pairs are
// saved under build/fuzz/seed-S/ for reduction, and the run ends with one line per class of
// failure.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as path from 'path';
import { describeClasses, fuzz } from './harness';
import { Arch, Opt, compilerBuilt, repoRoot } from '../lib/toolchain';
import { generateProgram } from './gen';
import * as fs from 'fs';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('npm run fuzz --')
    .usage('$0 [options]\n\nDifferential fuzzer: random integer programs compiled by tsboot and by clang-16 '
      + 'must print the same trace and exit with the same status.')
    .option('count', { alias: 'n', type: 'number', default: 2000, describe: 'number of programs' })
    .option('seed', { alias: 's', type: 'number', default: 1, describe: 'base seed (program i uses a seed derived from it)' })
    .option('start', { type: 'number', default: 0, describe: 'index of the first program (to replay one: --start I --count 1)' })
    .option('arch', { choices: ['x86_64', 'aarch64', 'both'] as const, default: 'both' as const, describe: 'target(s) for tsboot (aarch64 runs under qemu-aarch64)' })
    .option('opt', { type: 'string', default: 'O2,O0,O2,O1', describe: 'optimisation levels cycled over programs, e.g. O2 or O0,O2' })
    .option('jobs', { alias: 'j', type: 'number', default: 2, describe: 'programs in flight at once' })
    .option('keep', { type: 'boolean', default: false, describe: 'save every program under build/fuzz, not only mismatches' })
    .option('tests', { type: 'number', default: 4, describe: 'test functions per program (about 50 lines each)' })
    .option('statements', { type: 'number', default: 18, describe: 'statements per test function' })
    .option('print', { type: 'boolean', default: false, describe: 'only print program --start (subset and C) and exit' })
    .strict()
    .help()
    .parseAsync();

  const gen = { tests: argv.tests, statements: argv.statements };
  if (argv.print) {
    const p = generateProgram(argv.seed, argv.start, gen);
    process.stdout.write(`// ---- subset ----\n${p.subset}\n// ---- C ----\n${p.c}`);
    return;
  }
  if (!compilerBuilt()) {
    console.error('fuzz: the tsboot compiler is not built (build/js/toolchain/src/cli.js is missing); run `npx tsc -p tsconfig.json` first.');
    process.exit(1);
  }
  const opts = argv.opt.split(',').map((s) => s.trim().replace(/^-/, '')) as Opt[];
  for (const o of opts) {
    if (!/^O[0-3]$/.test(o)) { console.error(`fuzz: --opt: "${o}" is not one of O0 O1 O2 O3`); process.exit(1); }
  }
  const arches: Arch[] = argv.arch === 'both' ? ['x86_64', 'aarch64'] : [argv.arch];
  const saveDir = path.join(repoRoot, 'build', 'fuzz', `seed-${argv.seed}`);
  console.log(`fuzz: ${argv.count} programs from seed ${argv.seed} (start ${argv.start}), ${arches.join('+')}, -${opts.join('/-')}, ${argv.jobs} jobs`);
  const s = await fuzz({
    seed: argv.seed, count: argv.count, start: argv.start, arches, opts, jobs: argv.jobs,
    keepAll: argv.keep, saveDir, gen, log: (l) => console.log(l),
  });
  console.log(`fuzz: ${s.programs} programs, ${s.comparisons} comparisons, ${s.mismatches.length} mismatches in ${(s.ms / 1000).toFixed(1)} s`);
  if (s.mismatches.length) {
    console.log('failures by class:');
    for (const line of describeClasses(s)) console.log(line);
    console.log(`mismatching pairs (prog.ts, prog.c, report.txt) are in ${path.relative(process.cwd(), saveDir) || saveDir}`);
    process.exitCode = 1;
  } else if (fs.existsSync(saveDir) && argv.keep) {
    console.log(`programs kept in ${path.relative(process.cwd(), saveDir)}`);
  }
}

main().catch((e) => { console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
