// The start-up of short-lived compiler processes (toolchain/src/startup.ts): V8's optimising
// compiler is off and every function goes straight to the baseline compiler, and those
// processes keep a code cache of their own, which processes without the flags (the test
// runner's in-process compiles, the editor plugin) neither reject nor overwrite.
// And `tsboot compile --timings` reports the front end's CPU time next to the stages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compileSubset, compilerBuilt, describe, hostArch, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

const startupJs = path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'startup.js');
const codeCacheJs = path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'code-cache.js');
const work = makeTempDir('startup');

/** Runs a Node script in a fresh process; its stdout, trimmed. */
function node(script: string): string {
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

// %GetOptimizationStatus's bits (V8's runtime-test.cc, OptimizationStatus).
const OPTIMIZED = 1 << 4;
const NEVER_OPTIMIZE = 1 << 1;
const BASELINE = 1 << 15;

/** The optimisation status of a hot function, after one-shot flags or not. */
function hotFunctionStatus(oneShot: boolean): number {
  return Number(node(`
    ${oneShot ? `require(${JSON.stringify(startupJs)}).useOneShotFlags();` : ''}
    require('v8').setFlagsFromString('--allow-natives-syntax');
    const status = new Function('f', 'return %GetOptimizationStatus(f);');
    const hot = new Function('n', 'let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) | 0; return s;');
    for (let i = 0; i < 20000; i++) hot(200);
    // Time for a concurrent (background) optimisation to land.
    const t0 = Date.now();
    while (Date.now() - t0 < 300) hot(1000);
    console.log(status(hot));`));
}

test('startup: one-shot processes never run the optimising compiler; functions go to the baseline compiler', () => {
  assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b tsconfig.json');
  const plain = hotFunctionStatus(false);
  assert.ok(plain & OPTIMIZED, `without the flags, a hot function is optimised (status ${plain.toString(2)})`);
  const oneShot = hotFunctionStatus(true);
  assert.not.ok(oneShot & OPTIMIZED, `optimised after useOneShotFlags (status ${oneShot.toString(2)})`);
  assert.ok(oneShot & NEVER_OPTIMIZE, `status ${oneShot.toString(2)}`);
  assert.ok(oneShot & BASELINE, `not compiled by the baseline compiler (status ${oneShot.toString(2)})`);
});

test('startup: one-shot and plain processes keep code caches of their own', () => {
  const oneShot = `console.log(require(${JSON.stringify(startupJs)}).startOneShotCompiler())`;
  const plain = `console.log(require(${JSON.stringify(codeCacheJs)}).loadTypescriptWithCodeCache())`;
  // The first of each kind may have to make its cache; from then on each finds its own,
  // whatever the other kind did in between.
  node(oneShot);
  node(plain);
  for (const [what, script] of [['one-shot', oneShot], ['plain', plain], ['one-shot', oneShot]]) {
    assert.is(node(script), 'cached', `a ${what} process did not load the TypeScript library from its code cache`);
  }
  const caches = fs.readdirSync(path.join(repoRoot, 'build', 'cache')).filter((f) => f.startsWith('typescript-'));
  assert.ok(caches.some((f) => /-one-shot-[0-9a-f]{8}\.jsc$/.test(f)), caches.join(', '));
});

test('startup: tsboot compile --timings gives the stages, the front end\'s CPU time and the process\'s', () => {
  const src = path.join(work, 'main.ts');
  fs.writeFileSync(src, 'export function main(): i32 {\n  println("hi");\n  return 0;\n}\n');
  const r = compileSubset(src, {
    target: `${hostArch ?? 'x86_64'}-linux`, out: path.join(work, 'main.ll'), extra: ['--emit', 'll', '--timings'],
  });
  assert.is(r.status, 0, describe(r));
  const t = new Map([...r.stderr.matchAll(/^([a-z ]+): ([\d.]+) ms$/gm)].map((m) => [m[1], Number(m[2])]));
  for (const k of ['parse', 'check', 'lower', 'frontend', 'frontend cpu', 'process cpu']) {
    assert.ok(t.get(k)! > 0, `${k}: ${r.stderr}`);
  }
  assert.ok(t.get('frontend cpu')! < t.get('process cpu')!, r.stderr);
});

test.after(() => removeDir(work));

test.run();
