// `npm run test:mutation -- [--quick] [--only ID,...] [--no-baseline] [--list] [--keep]`
// Applies each known mutation (tests/mutation/mutations.ts) to a scratch copy of this
// checkout and checks that the suites named for it fail, and that they pass without it.
// Exit status 0 only when every mutation is caught.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { repoRoot } from '../lib/toolchain';
import { MUTATIONS, Mutation, quickMutations } from './mutations';
import { MutationResult, Scratch } from './scratch';

/** Runs `list` in one scratch copy, logging each verdict; the copy is removed unless `keep`. */
export async function runMutations(list: Mutation[], opts: { baseline: boolean; keep?: boolean; log: (l: string) => void }): Promise<MutationResult[]> {
  const scratch = Scratch.create(repoRoot, opts.log);
  const cleanup = () => { if (!opts.keep) scratch.remove(); };
  const onSignal = () => { cleanup(); process.exit(130); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: MutationResult[] = [];
  try {
    for (const m of list) {
      opts.log(`${m.id}: ${m.what} (${m.file}) -> ${m.suites.join(', ')}`);
      const r = await scratch.check(m, opts.baseline);
      const times = r.suites.map((x) => `${x.suite} ${x.failed ? 'failed' : 'passed'} in ${x.seconds.toFixed(1)} s`).join(', ');
      opts.log(`${m.id}: ${r.verdict.toUpperCase()}${times ? ` (${times})` : ''}\n${indent(r.detail)}`);
      results.push(r);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (opts.keep) opts.log(`scratch copy kept in ${scratch.dir}`);
    cleanup();
  }
  return results;
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('npm run test:mutation --')
    .usage('$0 [options]\n\nApplies each known mutation (tests/mutation/mutations.ts) to a scratch copy of the '
      + 'checkout, one at a time, and checks that the suites named for it fail (and pass unmutated). '
      + 'The working tree is not modified.')
    .option('quick', { type: 'boolean', default: false, describe: 'only the fast subset that npm test runs (its cheap suites)' })
    .option('only', { type: 'string', describe: 'comma-separated mutation ids' })
    .option('baseline', { type: 'boolean', default: true, describe: 'check that the unmutated tree passes each suite set (--no-baseline to skip)' })
    .option('list', { type: 'boolean', default: false, describe: 'list the mutations and exit' })
    .option('keep', { type: 'boolean', default: false, describe: 'keep the scratch copy (its path is printed)' })
    .strict()
    .help()
    .parseAsync();
  let list = argv.quick ? quickMutations() : MUTATIONS;
  if (argv.only !== undefined) {
    const ids = argv.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !MUTATIONS.some((m) => m.id === id));
    if (unknown.length) {
      console.error(`test:mutation: unknown mutation ${unknown.join(', ')}; known: ${MUTATIONS.map((m) => m.id).join(', ')}`);
      process.exit(2);
    }
    list = list.filter((m) => ids.includes(m.id));
  }
  if (argv.list) {
    for (const m of list) console.log(`${m.id}: ${m.what}\n    ${m.file} -> ${m.suites.map((x) => (m.quick.includes(x) ? `${x} (npm test)` : x)).join(', ')}`);
    return;
  }
  const results = await runMutations(list, { baseline: argv.baseline, keep: argv.keep, log: (l) => console.log(l) });
  const bad = results.filter((r) => r.verdict !== 'caught');
  console.log(`\n${results.length - bad.length} of ${results.length} mutations caught`
    + `${bad.length ? `; not caught: ${bad.map((r) => `${r.mutation.id} (${r.verdict})`).join(', ')}` : ''}`);
  process.exitCode = bad.length ? 1 : 0;
}

if (require.main === module) {
  main().catch((e: Error) => { console.error(`test:mutation: ${e.message}`); process.exit(2); });
}
