// The README's "The subset in one example" compiles for both UEFI targets, as its first
// line says (next to common/), with no diagnostic at all: the README's example is a test
// like every example of docs/language.md (tests/compiler/docs.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compilerBuilt, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

const README = path.join(repoRoot, 'README.md');

/** The first ```ts block after the heading "The subset in one example". */
function readmeExample(): string {
  const text = fs.readFileSync(README, 'utf8');
  const at = text.indexOf('## The subset in one example');
  assert.ok(at >= 0, 'README.md has no "The subset in one example" section');
  const m = /```ts\n([\s\S]*?)\n```/.exec(text.slice(at));
  assert.ok(m, 'the section has no ```ts block');
  return m![1];
}

const work = makeTempDir('readme');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const driver = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../../toolchain/src/driver');

for (const arch of ['x86_64', 'aarch64']) {
  test(`README: the subset in one example compiles for ${arch}-uefi`, async () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
    // The example imports "./common/uefi": it sits next to the repository's common/.
    const dir = path.join(work, arch);
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'common'), path.join(dir, 'common'));
    const file = path.join(dir, 'hello.ts');
    fs.writeFileSync(file, readmeExample());
    const r = await driver.compile({ entry: file, target: `${arch}-uefi`, output: path.join(dir, 'BOOT.EFI') });
    assert.ok(r.ok && r.diagnostics.list.length === 0, `diagnostics for README's example:\n${r.diagnostics.format()}`);
    assert.ok(fs.statSync(path.join(dir, 'BOOT.EFI')).size > 0);
  });
}

test.after(() => removeDir(work));
test.run();
