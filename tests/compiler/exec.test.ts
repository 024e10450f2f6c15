// Execution tests: every tests/subset/exec/*.ts with a sibling .expected file is compiled
// for x86_64-linux and aarch64-linux (run under qemu-aarch64) at -O0 and -O2 and its
// stdout and exit status must match.
//
// Conventions (in the first comment lines of the program):
//   // @exit N            expected exit status (default 0)
//   // @opts O0,O2        optimisation levels (default O0,O2)
//   // @arches x86_64     architectures (default x86_64,aarch64)
// In the .expected file, {FILE} stands for the path of the program as the compiler prints
// it (any path ending in the program's file name), {ANY} for any text on that line and
// {ARCH} for the architecture being run (x86_64 or aarch64).
//
// TSBOOT_EXEC_FILTER=substring runs only matching programs; TSBOOT_EXEC_QUICK=1 runs only
// x86_64 -O2 and aarch64 -O0 (two builds per program instead of four).
// @suite long 60
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  Arch, Opt, RunResult, compileSubsetBatch, compilerBuilt, describe, makeTempDir, removeDir, repoRoot, runExecutableAsync,
} from '../lib/toolchain';

const execDir = path.join(repoRoot, 'tests', 'subset', 'exec');

interface Case { file: string; name: string; expected: string; exit: number; opts: Opt[]; arches: Arch[] }

function directives(src: string): Record<string, string> {
  const d: Record<string, string> = {};
  for (const m of src.matchAll(/^\s*\/\/\s*@(\w+)\s+(.+?)\s*$/gm)) d[m[1]] = m[2];
  return d;
}

function cases(): Case[] {
  const filter = process.env.TSBOOT_EXEC_FILTER;
  return fs.readdirSync(execDir)
    .filter((f) => f.endsWith('.ts') && fs.existsSync(path.join(execDir, f.replace(/\.ts$/, '.expected'))))
    .filter((f) => !filter || f.includes(filter))
    .sort()
    .map((f) => {
      const file = path.join(execDir, f);
      const d = directives(fs.readFileSync(file, 'utf8'));
      return {
        file, name: f.replace(/\.ts$/, ''),
        expected: fs.readFileSync(file.replace(/\.ts$/, '.expected'), 'utf8'),
        exit: d.exit !== undefined ? Number(d.exit) : 0,
        opts: (d.opts ?? 'O0,O2').split(',').map((s) => s.trim()) as Opt[],
        arches: (d.arches ?? 'x86_64,aarch64').split(',').map((s) => s.trim()) as Arch[],
      };
    });
}

/** The expected text as a regular expression ({FILE} and {ANY} placeholders). */
export function expectedPattern(expected: string, fileName: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = expected.split(/(\{FILE\}|\{ANY\})/);
  const body = parts.map((p) => p === '{FILE}' ? `\\S*${esc(fileName)}` : p === '{ANY}' ? '[^\\n]*' : esc(p)).join('');
  return new RegExp(`^${body}$`);
}

function firstDiff(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i] && !(a[i] ?? '').includes('{')) return `line ${i + 1}: expected ${JSON.stringify(a[i] ?? '<end>')}, got ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return '(differs only on a placeholder line)';
}

const quick = process.env.TSBOOT_EXEC_QUICK === '1';
const jobs = Math.max(1, Number(process.env.TSBOOT_TEST_JOBS ?? 2));
const work = makeTempDir('exec');

interface Job { c: Case; arch: Arch; opt: Opt; result?: { compile: RunResult; run: RunResult | null } }
const jobsList: Job[] = [];
for (const c of cases()) {
  let combos: [Arch, Opt][] = [];
  for (const arch of c.arches) for (const opt of c.opts) combos.push([arch, opt]);
  if (quick) {
    const q = combos.filter(([a, o]) => (a === 'x86_64' && o === 'O2') || (a === 'aarch64' && o === 'O0'));
    combos = q.length ? q : combos.slice(0, 1);
  }
  for (const [arch, opt] of combos) jobsList.push({ c, arch, opt });
}

// Compile everything up front in one compiler process (compileSubsetBatch), then run the
// programs with a small pool, and check each result in its own named test.
test.before(async () => {
  if (!compilerBuilt()) return;
  const t0 = Date.now();
  const exe = (j: Job) => path.join(work, `${j.c.name}.${j.arch}.${j.opt}`);
  const compiled = await compileSubsetBatch(jobsList.map((j) => ({ entry: j.c.file, o: { target: `${j.arch}-linux`, opt: j.opt, out: exe(j) } })));
  console.log(`  [exec] ${jobsList.length} builds in one compiler process, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobsList.length) {
      const i = next++;
      const j = jobsList[i];
      const compile = compiled[i];
      j.result = { compile, run: compile.status === 0 ? await runExecutableAsync(exe(j), j.arch) : null };
    }
  }
  await Promise.all(Array.from({ length: jobs }, () => worker()));
  console.log(`  [exec] ${jobsList.length} programs run, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});

for (const j of jobsList) {
  const { c, arch, opt } = j;
  test(`exec ${c.name} ${arch} -${opt}`, () => {
    assert.ok(compilerBuilt(), 'the compiler is not built (build/js/toolchain/src/cli.js); run npx tsc -p tsconfig.json');
    const r = j.result!;
    if (r.compile.status !== 0 || !r.run) assert.unreachable(`compile failed:\n${describe(r.compile)}`);
    const run = r.run!;
    assert.ok(!run.timedOut && !run.signal, `the program did not exit normally:\n${describe(run)}`);
    const pat = expectedPattern(c.expected.split('{ARCH}').join(arch), path.basename(c.file));
    if (!pat.test(run.stdout)) {
      assert.fixture(run.stdout, c.expected, `stdout differs (${firstDiff(c.expected, run.stdout)}); stderr:\n${run.stderr}`);
    }
    assert.is(run.status, c.exit, `exit status ${run.status}, expected ${c.exit}\n${describe(run)}`);
  });
}

test.after(() => removeDir(work));
test.run();
