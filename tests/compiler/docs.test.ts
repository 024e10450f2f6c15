// Every ```ts example in docs/*.md compiles with no diagnostic at all (README's one example:
// tests/compiler/readme.test.ts), and where an example states a value in a comment
// (`let n: usize = "héllo".length;  // 6`) the program prints that value when it runs. An HTML comment right before each example says how to
// build a program from it (tests/lib/doc-examples.ts); an example without one fails this
// test, so a new example cannot go untested.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { DocExample, docExamples, exampleProgram, statedValues } from '../lib/doc-examples';
import { compilerBuilt, describe, hostArch, makeTempDir, removeDir, repoRoot, runExecutable } from '../lib/toolchain';

const DOCS = fs.readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
const all: DocExample[] = DOCS.flatMap(docExamples);
const work = makeTempDir('docs');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const driver = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../../toolchain/src/driver');

test('docs: every ```ts example has a note saying how to compile it', () => {
  assert.ok(all.filter((e) => e.doc === 'docs/language.md').length >= 10, 'docs/language.md has fewer than 10 examples');
  const bare = all.filter((e) => e.mode !== 'module' && e.mode !== 'body').map((e) => `${e.doc}:${e.line}`);
  assert.equal(bare, [], `examples without <!-- example: module|body --> before them: ${bare.join(', ')}`);
});

for (const ex of all) {
  test(`docs: the example at ${ex.doc}:${ex.line} compiles (${ex.target})`, async () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
    const name = `${path.basename(ex.doc, '.md')}-${ex.line}`;
    const file = path.join(work, `${name}.ts`);
    const src = exampleProgram(ex);
    fs.writeFileSync(file, src);
    if (ex.file) fs.writeFileSync(path.join(work, ex.file), Uint8Array.from({ length: 16 }, (_, k) => k));
    const r = await driver.compile({ entry: file, target: ex.target, output: file.replace(/\.ts$/, '.ll'), emit: 'll' });
    const diags = r.diagnostics.format();
    assert.ok(r.ok && r.diagnostics.list.length === 0, `diagnostics for the example at ${ex.doc}:${ex.line}:\n${diags}\n--- program ---\n${src}`);
  });
}

const stating = all.filter((ex) => statedValues(ex).length > 0);

test('docs: examples state values in comments (a check that finds none checks nothing)', () => {
  assert.ok(stating.length >= 4, `only ${stating.length} examples state values`);
});

for (const ex of stating) {
  test(`docs: the example at ${ex.doc}:${ex.line} computes the values its comments state`, async () => {
    const values = statedValues(ex);
    const name = `${path.basename(ex.doc, '.md')}-${ex.line}-run`;
    const file = path.join(work, `${name}.ts`);
    const src = exampleProgram(ex, values.map((v) => `  println(\`${v.name} \${${v.name}}\`);`).join('\n'));
    fs.writeFileSync(file, src);
    const target = `${hostArch ?? 'x86_64'}-linux`;
    const exe = file.replace(/\.ts$/, '');
    const r = await driver.compile({ entry: file, target, output: exe, emit: 'exe' });
    assert.ok(r.ok, `${r.diagnostics.format()}\n--- program ---\n${src}`);
    const run = runExecutable(exe, hostArch ?? 'x86_64');
    assert.is(run.status, 0, describe(run));
    const got = run.stdout.trim().split('\n');
    values.forEach((v, i) => {
      assert.is(got[i], `${v.name} ${v.value}`, `${ex.doc}:${v.line} says ${v.name} is ${v.value}`);
    });
  });
}

test.after(() => removeDir(work));
test.run();
