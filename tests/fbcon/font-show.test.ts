// The font preview docs/console.md shows (`font.js --psf <another font> --show TEXT`) prints
// the text as ASCII art and writes nothing: the committed common/fbcon/font.generated.ts is
// byte for byte what it was, and with --out the module goes where --out says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { defaultOutput } from '../../scripts/font';
import { makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

const FONT_JS = path.join(repoRoot, 'build', 'js', 'scripts', 'font.js');
/** The other font docs/console.md previews (Debian's console-setup-linux, which setup installs). */
const BOLD = '/usr/share/consolefonts/Lat15-TerminusBold16.psf.gz';

function committed(): { bytes: Buffer; mtimeMs: number } {
  return { bytes: fs.readFileSync(defaultOutput()), mtimeMs: fs.statSync(defaultOutput()).mtimeMs };
}

test('docs/console.md names the preview command this suite runs', () => {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'console.md'), 'utf8');
  assert.ok(doc.includes(`node build/js/scripts/font.js --psf ${BOLD} --show 'Hello'`), 'docs/console.md no longer shows the preview command');
});

test('--show prints the text in the font and leaves the committed module alone', () => {
  assert.ok(fs.existsSync(BOLD), `${BOLD} is missing: apt-get install console-setup-linux (npm run setup does)`);
  const before = committed();
  const r = spawnSync(process.execPath, [FONT_JS, '--psf', BOLD, '--show', 'Hello'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const art = r.stdout.split('\n').filter((l) => /^[#.]+$/.test(l));
  assert.is(art.length, 16, `expected 16 rows of ASCII art, got:\n${r.stdout}`);
  assert.ok(art.every((l) => l.length === 5 * 8), 'each row should be 5 glyphs of 8 pixels');
  assert.ok(art.join('').includes('#'), 'the preview drew nothing');
  assert.match(r.stdout, /nothing written/);
  const after = committed();
  assert.ok(after.bytes.equals(before.bytes), 'font.generated.ts changed');
  assert.is(after.mtimeMs, before.mtimeMs, 'font.generated.ts was rewritten');
});

test('--show with --out writes the module to that file only', () => {
  assert.ok(fs.existsSync(BOLD), `${BOLD} is missing: apt-get install console-setup-linux (npm run setup does)`);
  const dir = makeTempDir('font-show');
  try {
    const before = committed();
    const out = path.join(dir, 'bold.generated.ts');
    const r = spawnSync(process.execPath, [FONT_JS, '--psf', BOLD, '--show', 'A', '--out', out], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(out, 'utf8'), /Lat15-TerminusBold16\.psf\.gz/);
    assert.ok(committed().bytes.equals(before.bytes), 'font.generated.ts changed');
    assert.is(committed().mtimeMs, before.mtimeMs, 'font.generated.ts was rewritten');
  } finally {
    removeDir(dir);
  }
});

test.run();
