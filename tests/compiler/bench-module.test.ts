// The compile-time benchmark's generated module (bench/generated-module.ts) stays what the
// benchmark says it is: about 1,000 lines that compile with no diagnostic and run, using
// the language's newer parts (a benchmark of a module that does not compile would measure
// an error path).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compileSubset, compilerBuilt, describe, hostArch, makeTempDir, removeDir, runExecutable } from '../lib/toolchain';
import { generateModule } from '../../bench/generated-module';

const work = makeTempDir('bench-module');

test('the generated 1,000-line module compiles without diagnostics and runs', () => {
  assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b tsconfig.json');
  const text = generateModule(1000);
  const lines = text.split('\n').length - 1;
  assert.ok(lines >= 1000 && lines <= 1030, `${lines} lines`);
  for (const part of ['class ', '<T', 'new Ring<Span>()', '`span', 'for (const', ' ?? ', '=> ', 'const { lo, hi }']) {
    assert.ok(text.includes(part), `the module no longer uses ${part}`);
  }
  const src = path.join(work, 'generated.ts');
  fs.writeFileSync(src, text);
  const exe = path.join(work, 'generated');
  const arch = hostArch ?? 'x86_64';
  const r = compileSubset(src, { target: `${arch}-linux`, out: exe, opt: 'O0' });
  assert.is(r.status, 0, describe(r));
  assert.is((r.stdout + r.stderr).trim(), '', 'diagnostics or output from the compiler');
  const run = runExecutable(exe, arch);
  assert.is(run.status, 0, describe(run));
  assert.match(run.stdout, /^generated module checksum \d+\n$/);
});

test.after(() => removeDir(work));
test.run();
