// `npm run docs:check` (scripts/docs-check.ts): the docs' marked figures and sample outputs
// agree with the commands named next to them on this checkout, and the check fails when a
// figure or a sample line is edited by hand in a scratch copy of the docs. The figures'
// grammar round-trips: what --write (and so `npm run bench -- --write`) writes, the check
// accepts. npm test runs the cheap tier (image sizes, the quick start's boot);
// `npm run test:matrix` (TSBOOT_MATRIX=1) every figure, benchmarks and boot times included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check, lint, measureAndWrite } from '../../scripts/docs-check';
import { compareFigure, FigureFormat, formatFigure } from '../../scripts/docs/figures';
import { SourceName, SourceResult } from '../../scripts/docs/registry';
import { repoRoot } from '../lib/toolchain';
import { replaceMarkedSection } from '../../bench/bench-util';

const MATRIX = process.env.TSBOOT_MATRIX === '1';
const cache = new Map<SourceName, SourceResult>();
const log = (m: string) => process.stdout.write(`    ${m}\n`);

/** A scratch tree holding a copy of README.md and docs/ (the documents the check reads). */
function scratchDocs(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-docs-'));
  fs.copyFileSync(path.join(repoRoot, 'README.md'), path.join(dir, 'README.md'));
  fs.cpSync(path.join(repoRoot, 'docs'), path.join(dir, 'docs'), { recursive: true });
  return dir;
}

function editFile(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} has no '${from}' to edit`);
  fs.writeFileSync(file, text.replace(from, to));
}

test('figures: every kind reads back what it writes, and a measurement beyond the tolerance fails', () => {
  const cases: [FigureFormat, number, number][] = [
    // [format, measured and written, measured again and out of tolerance]
    [{ kind: 'bytes' }, 64000, 64016],
    [{ kind: 'count', tolerance: 0.03 }, 130, 135],
    [{ kind: 'ratio', tolerance: 0.03 }, 0.87, 0.91],
    [{ kind: 'range', unit: 'ms', band: 1.5 }, 41.8, 70],
    [{ kind: 'range', unit: 's', band: 2 }, 9.51, 1.2],
    [{ kind: 'range', unit: 'MiB/s', band: 3 }, 1460, 4500],
    [{ kind: 'range', unit: '×', band: 1.6 }, 0.74, 1.3],
  ];
  for (const [f, m, bad] of cases) {
    const text = formatFigure(f, m);
    assert.is(compareFigure(f, text, m), '', `${f.kind} ${text} does not accept its own measurement ${m}`);
    assert.ok(compareFigure(f, text, bad) !== '', `${f.kind} ${text} accepts ${bad}`);
  }
  assert.is(compareFigure({ kind: 'count', tolerance: 0.03 }, '130', 133), '', 'a count within 3 % fails');
  assert.match(compareFigure({ kind: 'range', unit: 's' }, '3–7 ms', 5), /in ms/);
  assert.match(compareFigure({ kind: 'bytes' }, 'about 64 KiB', 65536), /not a bytes figure/);
});

test('docs:check --help describes the options', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'build', 'js', 'scripts', 'docs-check.js'), '--help'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  for (const opt of ['--tier', '--only', '--write', '--root', '--list']) assert.ok(r.stdout.includes(opt), `--help does not mention ${opt}`);
});

test('every marker names a known figure, reads as one, and its command is named next to it', () => {
  assert.equal(lint(repoRoot), []);
});

test('a marker with an unknown id, or a figure whose command is not named next to it, is reported', () => {
  const dir = scratchDocs();
  try {
    const readme = path.join(dir, 'README.md');
    editFile(readme, '<!--fig:efi.x86_64-->', '<!--fig:efi.x86_65-->');
    fs.appendFileSync(readme, '\nA marker in code is an example of the syntax: `<!--fig:no.such.id-->12 B`.\n');
    editFile(readme, '`npm run build -- --arch aarch64 && stat -c %s build/aarch64/BOOTAA64.EFI`', '`make`');
    const problems = lint(dir).map((p) => `${p.id}: ${p.message}`);
    assert.ok(problems.some((p) => /^efi\.x86_65: no such figure/.test(p)), problems.join('\n'));
    assert.not.ok(problems.some((p) => p.startsWith('no.such.id')), 'a marker inside `code` was read as a figure');
    assert.ok(problems.some((p) => /^efi\.x86_64: the figure is in no document/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^efi\.aarch64: its command `npm run build -- --arch aarch64` is not named/.test(p)), problems.join('\n'));
    // A block of output nobody checks: no language and no sample marker.
    fs.appendFileSync(path.join(dir, 'docs', 'memory.md'), '\nIt prints\n\n```\n[kernel] something\n```\n');
    assert.ok(lint(dir).some((p) => /^docs\/memory\.md:\d+$/.test(p.where) && /without <!--sample:ID-->/.test(p.message)), 'an unmarked output block was not reported');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the cheap figures and sample outputs agree with their commands on this checkout', async () => {
  const r = await check({ root: repoRoot, tier: 'test', log, cache });
  assert.ok(r.checked >= 5, `only ${r.checked} items checked`);
  assert.equal(r.problems, []);
});

test('a size edited by hand in the README fails the check, and --write puts the measured one back', async () => {
  const dir = scratchDocs();
  try {
    const readme = path.join(dir, 'README.md');
    const original = fs.readFileSync(readme, 'utf8');
    const size = /<!--fig:kernel\.aarch64-->([\d,]+) B/.exec(original);
    assert.ok(size, 'the README has no kernel.aarch64 figure');
    const edited = (Number(size![1].replace(/,/g, '')) + 40).toLocaleString('en-US');
    editFile(readme, `<!--fig:kernel.aarch64-->${size![1]} B`, `<!--fig:kernel.aarch64-->${edited} B`);
    const bad = await check({ root: dir, tier: 'test', only: ['kernel.aarch64'], log, cache });
    assert.is(bad.problems.length, 1, JSON.stringify(bad.problems));
    assert.match(bad.problems[0].message, new RegExp(`the docs say ${edited} B; measured ${size![1]} B`));
    assert.match(bad.problems[0].where, /^README\.md:\d+$/);

    assert.is(await measureAndWrite({ root: dir, tier: 'test', only: ['kernel.aarch64'], log, cache }), 1);
    assert.is(fs.readFileSync(readme, 'utf8'), original, '--write did not restore the measured figure');
    assert.equal((await check({ root: dir, tier: 'test', only: ['kernel.aarch64'], log, cache })).problems, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a sample line edited by hand (the quick start's check count) fails the check", async () => {
  const dir = scratchDocs();
  try {
    const readme = path.join(dir, 'README.md');
    const line = /^\[kernel\] all (\d+) checks passed$/m.exec(fs.readFileSync(readme, 'utf8'));
    assert.ok(line, "the quick start's sample has no 'all N checks passed' line");
    editFile(readme, line![0], `[kernel] all ${Number(line![1]) - 1} checks passed`);
    const bad = await check({ root: dir, tier: 'test', only: ['boot-x86_64'], log, cache });
    assert.is(bad.problems.length, 1, JSON.stringify(bad.problems));
    assert.match(bad.problems[0].message, new RegExp(`\`npm run qemu:x86_64\` printed no line '\\[kernel\\] all \\d+ checks passed' \\(in this order\\); ` +
      `the nearest it printed: '.*\\[kernel\\] all ${line![1]} checks passed'`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a timing outside its stated range fails; measured on a busy machine it fails as not checked', async () => {
  const dir = scratchDocs();
  try {
    const readme = path.join(dir, 'README.md');
    const m = /<!--fig:qemu\.x86_64\.verdict-->([\d.]+)–([\d.]+) s/.exec(fs.readFileSync(readme, 'utf8'));
    assert.ok(m, 'the README has no qemu.x86_64.verdict figure');
    // A measurement of a boot, as the boot source reports it, with the load it ran under.
    const boot = (seconds: number, load: number) => new Map<SourceName, SourceResult>([
      ['boot-x86_64', { figures: new Map([['qemu.x86_64.verdict', seconds]]), output: '', load }]]);
    const only = ['qemu.x86_64.verdict'];
    const inside = (Number(m![1]) + Number(m![2])) / 2;
    assert.equal((await check({ root: dir, tier: 'matrix', only, log, cache: boot(inside, 0.5) })).problems, []);
    const slow = await check({ root: dir, tier: 'matrix', only, log, cache: boot(Number(m![2]) * 2, 0.5) });
    assert.is(slow.problems.length, 1, JSON.stringify(slow.problems));
    assert.match(slow.problems[0].message, new RegExp(`outside ${m![1]}–${m![2]}`));
    const busy = await check({ root: dir, tier: 'matrix', only, log, cache: boot(inside, 6) });
    assert.is(busy.problems.length, 1, JSON.stringify(busy.problems));
    assert.match(busy.problems[0].message, /^not checked \(measured [\d.]+\): a wall-clock figure, .* rerun on a quieter machine$/);
    // The range edited by hand: the same measurement now fails.
    editFile(readme, `<!--fig:qemu.x86_64.verdict-->${m![1]}–${m![2]} s`, '<!--fig:qemu.x86_64.verdict-->0.1–0.2 s');
    const edited = await check({ root: dir, tier: 'matrix', only, log, cache: boot(inside, 0.5) });
    assert.match(edited.problems[0]?.message ?? '', /the docs say 0\.1–0\.2 s; measured .* outside 0\.1–0\.2/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bench --write's report goes between the markers on their own lines, not where prose names them", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsboot-docs-'));
  try {
    const file = path.join(dir, 'benchmarks.md');
    const row = '| `npm run bench -- --write` | replaces the section (between `<!-- bench:begin -->` and `<!-- bench:end -->`) |';
    fs.writeFileSync(file, `# B\n\n${row}\n\n## Results\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n`);
    assert.ok(replaceMarkedSection(file, '<!-- bench:begin -->', '<!-- bench:end -->', 'new report'));
    assert.is(fs.readFileSync(file, 'utf8'), `# B\n\n${row}\n\n## Results\n\n<!-- bench:begin -->\nnew report\n<!-- bench:end -->\n`);
    fs.writeFileSync(file, `${row}\n`);
    assert.not.ok(replaceMarkedSection(file, '<!-- bench:begin -->', '<!-- bench:end -->', 'new report'), 'a mention is not a section');
    // Both documents carry exactly one section, its markers on lines of their own.
    for (const doc of ['README.md', 'docs/benchmarks.md']) {
      const text = fs.readFileSync(path.join(repoRoot, doc), 'utf8');
      assert.is(text.match(/^<!-- bench:begin -->$/gm)?.length, 1, `${doc}: one <!-- bench:begin --> line`);
      assert.is(text.match(/^<!-- bench:end -->$/gm)?.length, 1, `${doc}: one <!-- bench:end --> line`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

if (MATRIX) {
  test('every figure and sample output agrees with its command (benchmarks, boot times)', async () => {
    const r = await check({ root: repoRoot, tier: 'matrix', log, cache });
    assert.equal(r.problems, []);
  });
}

test.run();
