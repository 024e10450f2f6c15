// Every ```ts example in docs/language.md compiles, with no diagnostic at all. An HTML
// comment right before each example says how to build a program from it:
//   <!-- example: module -->               the example is a module (a `main` is added)
//   <!-- example: body -->                 its statements go into `main`; its functions,
//                                          structs, enums and types stay at module level
//   <!-- example: ...; given: <decls> -->  declarations the example relies on
// An example without such a comment fails this test, so a new example cannot go untested.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { compilerBuilt, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

interface Example { line: number; mode: string; given: string; code: string }

const DOC = path.join(repoRoot, 'docs', 'language.md');

function examples(): Example[] {
  const lines = fs.readFileSync(DOC, 'utf8').split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '```') j++;
    const note = /^<!-- example: (\w+)(?:; given: (.*))? -->$/.exec(lines[i - 1]?.trim() ?? '');
    out.push({ line: i + 1, mode: note?.[1] ?? '', given: note?.[2] ?? '', code: lines.slice(i + 1, j).join('\n') });
    i = j;
  }
  return out;
}

const LIFTED = new Set([ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration, ts.SyntaxKind.EnumDeclaration, ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ExportDeclaration]);

/** The program for an example. */
function program(ex: Example): string {
  if (ex.mode === 'module') {
    const main = /export function main\(/.test(ex.code) ? '' : '\nexport function main(): i32 { return 0; }\n';
    return `${ex.given}\n${ex.code}\n${main}`;
  }
  const sf = ts.createSourceFile('example.ts', ex.code, ts.ScriptTarget.ES2022, true);
  const top: string[] = [];
  const body: string[] = [];
  for (const st of sf.statements) (LIFTED.has(st.kind) ? top : body).push(st.getFullText(sf));
  return `${ex.given}\n${top.join('\n')}\nexport function main(): i32 {\n${body.join('\n')}\n  return 0;\n}\n`;
}

const all = examples();
const work = makeTempDir('docs');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const driver = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../../toolchain/src/driver');

test('docs: language.md has examples, each with a note saying how to compile it', () => {
  assert.ok(all.length >= 10, `only ${all.length} examples found in ${DOC}`);
  const bare = all.filter((e) => e.mode !== 'module' && e.mode !== 'body').map((e) => `line ${e.line}`);
  assert.equal(bare, [], `examples without <!-- example: module|body --> before them: ${bare.join(', ')}`);
});

for (const ex of all) {
  test(`docs: the example at language.md:${ex.line} compiles`, async () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
    const file = path.join(work, `example-${ex.line}.ts`);
    const src = program(ex);
    fs.writeFileSync(file, src);
    const r = await driver.compile({ entry: file, target: 'x86_64-linux', output: file.replace(/\.ts$/, '.ll'), emit: 'll' });
    const diags = r.diagnostics.format();
    assert.ok(r.ok && r.diagnostics.list.length === 0, `diagnostics for the example at line ${ex.line}:\n${diags}\n--- program ---\n${src}`);
  });
}

test.after(() => removeDir(work));
test.run();
