// `npm test`: runs every uvu suite (build/js/tests/**/*.test.js) in its own Node process,
// one after another, with each suite's time, then prints one closing line
// `N passed, N failed`. `--matrix` also runs the long boot matrix (TSBOOT_MATRIX=1);
// a filter argument runs only the suites whose path contains it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import yargs from 'yargs';

const ROOT = path.resolve(__dirname);

function suites(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...suites(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function main(): void {
  const argv = yargs(process.argv.slice(2))
    .usage('npm test -- [filter...] [--matrix]')
    .option('matrix', { type: 'boolean', default: false, describe: 'also run the full QEMU boot matrix (slow)' })
    .option('list', { type: 'boolean', default: false, describe: 'list the suites and exit' })
    .help()
    .parseSync();
  const filters = argv._.map(String);
  // Matched against the path below tests/, not the checkout's own path (which may contain the word).
  const files = suites(ROOT).filter((f) => filters.length === 0 || filters.some((x) => path.relative(ROOT, f).includes(x)));
  if (argv.list) { for (const f of files) console.log(path.relative(ROOT, f)); return; }
  const env = { ...process.env, ...(argv.matrix ? { TSBOOT_MATRIX: '1' } : {}) };
  let passed = 0, failed = 0, skipped = 0;
  const failedSuites: string[] = [];
  const t0 = Date.now();
  for (const f of files) {
    const name = path.relative(ROOT, f).replace(/\.test\.js$/, '');
    const start = Date.now();
    process.stdout.write(`\n▶ ${name}\n`);
    const r = spawnSync(process.execPath, [f], { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(r.stdout ?? '')?.[1] ?? 0);
    const p = num('Passed'), total = num('Total'), s = num('Skipped');
    passed += p;
    skipped += s;
    // A suite that crashed before reporting counts as one failure.
    const f_ = Math.max(total - p - s, r.status === 0 ? 0 : 1);
    failed += f_;
    if (f_ > 0) failedSuites.push(name);
    process.stdout.write(`  ${name}: ${p} passed, ${f_} failed${s ? `, ${s} skipped` : ''} (${((Date.now() - start) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(`\n${files.length} suites in ${((Date.now() - t0) / 1000).toFixed(1)} s${failedSuites.length ? `; failing: ${failedSuites.join(', ')}` : ''}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
}

main();
