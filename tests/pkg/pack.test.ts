// The package as a user gets it: `npm pack`, then in a fresh directory exactly what
// README's "your own kernel in five minutes" says,
//   npx <tarball> new k && cd k && npm install && npx tsboot run src/kernel.ts --arch x86_64
// (and aarch64), which must print the template kernel's `[kernel] PASS`. The tarball must
// hold what the installed commands need and nothing of the repository's tests; the project
// must get the tarball as its tsboot dependency; the editor setup must work from the install
// alone: the project's own tsserver loads tsboot's plugin with no flags and shows a width
// error that tsc, run on the same file, does not report.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describe, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';
import { npxDirsFor, runIn } from '../lib/npm';
import { startTsServer } from '../lib/tsserver';

const work = makeTempDir('pack');
const project = path.join(work, 'k');
let tarball = '';

/** The template kernel plus a function with two width errors tsc cannot see. */
const WIDTH_ERRORS = `
export function widths(b32: u32): u8 {
  let x: u8 = 300;
  let a: u8 = b32;
  return x + a;
}
`;

test('npm pack: the tarball holds the CLI, the prebuilt loaders, the sdk, the templates; not the tests', async () => {
  const r = await runIn(repoRoot, 'npm', ['pack', '--json', '--pack-destination', work], 300_000);
  assert.is(r.status, 0, describe(r));
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info.filename);
  assert.ok(fs.existsSync(tarball), tarball);
  const files = new Set(info.files.map((f) => f.path));
  for (const f of [
    'bin/tsboot.js', 'plugin.js', 'build/js/toolchain/src/cli.js', 'build/js/toolchain/src/cli/run.js', 'build/js/toolchain/src/plugin/index.js',
    'build/js/qemu/session.js', 'build/x86_64/BOOTX64.EFI', 'build/aarch64/BOOTAA64.EFI', 'sdk/protocol.ts', 'sdk/uefi.ts',
    'sdk/types.d.ts', 'sdk/tsconfig.json', 'toolchain/lib/tsboot.d.ts', 'toolchain/std/rt/elf.ts', 'common/bootinfo.ts',
    'loader/main.ts', 'linker/kernel.ld', 'scripts/setup.js', 'templates/kernel/src/kernel.ts', 'templates/common/gitignore',
    'docs/boot-protocol.md', 'README.md', 'package.json',
  ]) assert.ok(files.has(f), `${f} is missing from the tarball`);
  const stray = [...files].filter((f) => /^(tests|bench|kernel-stub|build\/js\/tests|build\/js\/bench)\/|\.map$/.test(f));
  assert.equal(stray, [], 'repository-only files in the tarball');
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.not.ok(pkg.private, 'the package must not be private');
  assert.is(pkg.bin.tsboot, 'bin/tsboot.js');
  for (const [sub, target] of Object.entries(pkg.exports as Record<string, string | { types: string }>)) {
    const file = typeof target === 'string' ? target : target.types;
    assert.ok(files.has(file.replace(/^\.\//, '')), `exports['${sub}'] -> ${file} is not in the tarball`);
  }
});

test('npx <tarball> new k: a kernel project whose tsboot dependency is that tarball', async () => {
  assert.ok(tarball, 'no tarball (the pack test failed)');
  // `./`: npx takes a path for a package only when it is relative (an absolute one is run as a command).
  const r = await runIn(work, 'npx', ['--yes', `./${path.basename(tarball)}`, 'new', 'k'], 180_000);
  assert.is(r.status, 0, describe(r));
  const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
  assert.is(pkg.dependencies.tsboot, `file:${tarball}`);
  for (const f of ['src/kernel.ts', 'tsconfig.json', 'README.md', '.github/workflows/ci.yml', '.gitignore', '.vscode/settings.json']) {
    assert.ok(fs.existsSync(path.join(project, f)), `${f} was not created`);
  }
  assert.not.match(fs.readFileSync(path.join(project, 'src', 'kernel.ts'), 'utf8'), /\{\{name\}\}/);
});

test('npm install in the project: tsboot from the tarball, with its prebuilt loaders', async () => {
  const r = await runIn(project, 'npm', ['install'], 300_000);
  assert.is(r.status, 0, describe(r));
  const installed = path.join(project, 'node_modules', 'tsboot');
  assert.not.ok(fs.lstatSync(installed).isSymbolicLink(), 'tsboot must be unpacked, not linked');
  assert.ok(fs.existsSync(path.join(installed, 'build', 'x86_64', 'BOOTX64.EFI')));
});

test('npx tsboot setup: the Debian packages a project needs are there (as root it would install them)', async () => {
  const r = await runIn(project, 'npx', ['tsboot', 'setup'], 600_000);
  assert.is(r.status, 0, describe(r));
  assert.match(r.stdout, /^tsboot: everything a project needs is installed \(qemu-system-x86 qemu-system-arm ovmf qemu-efi-aarch64 mtools clang-16 lld-16\)$/m);
});

for (const arch of ['x86_64', 'aarch64']) {
  test(`npx tsboot run src/kernel.ts --arch ${arch} prints the template kernel's PASS`, async () => {
    const r = await runIn(project, 'npx', ['tsboot', 'run', 'src/kernel.ts', '--arch', arch], 300_000);
    assert.is(r.status, 0, describe(r));
    assert.match(r.stdout, /^\[\s*[\d.]+\] \[kernel\] hello from k: /m);
    assert.match(r.stdout, /^\[\s*[\d.]+\] \[kernel\] command line: ""$/m);
    assert.match(r.stdout, /^\[\s*[\d.]+\] \[kernel\] usable memory: \d+ MiB in \d+ regions$/m);
    assert.match(r.stdout, /^\[\s*[\d.]+\] \[kernel\] PASS$/m);
    assert.match(r.stdout, /^tsboot: PASS \(\[kernel\] PASS; QEMU exit status (33|0)\b/m);
    // The loader came from the package, not from a build in the project.
    assert.match(r.stdout, /\/EFI\/BOOT\/BOOT(X64|AA64)\.EFI \(node_modules\/tsboot\/build\//);
  });
}

test('the project\'s own tsserver loads tsboot/plugin and shows width errors that tsc misses', async () => {
  const file = path.join(project, 'src', 'widths.ts');
  fs.writeFileSync(file, WIDTH_ERRORS);
  try {
    // tsc on the project, as an editor without the plugin (or `npx tsc`) would check it.
    const tsc = await runIn(project, process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], 120_000);
    assert.is(tsc.status, 0, `tsc must accept the file (it sees every machine type as number):\n${describe(tsc)}`);

    const server = startTsServer(path.join(project, 'node_modules', 'typescript', 'lib', 'tsserver.js'), path.join(work, 'tsserver.log'));
    try {
      server.open(file, WIDTH_ERRORS, project);
      const diags = await server.semanticDiagnostics(file);
      const ours = diags.filter((d) => d.source === 'tsboot').map((d) => `${d.startLocation.line}:${d.startLocation.offset} ${d.message}`);
      assert.equal(ours, [
        '3:15 300 does not fit u8 (0..255); use a wider type or an explicit conversion like u8(x)',
        '4:15 cannot use a value of type u32 as u8; convert explicitly with u8(x)',
      ], `tsserver log: ${server.logFile}`);
    } finally {
      await server.close();
    }

    // The same two errors from `tsboot check`, which the project's `npm run check` runs.
    const check = await runIn(project, 'npm', ['run', '--silent', 'check'], 120_000);
    assert.is(check.status, 1, describe(check));
    assert.match(check.stdout, /^src\/widths\.ts:3:15: error: 300 does not fit u8/m);
    assert.match(check.stdout, /^src\/widths\.ts:4:15: error: cannot use a value of type u32 as u8/m);
    assert.match(check.stdout, /^2 errors \(checked for x86_64-elf\)$/m);
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test.after(async () => {
  // npx keeps what it installed from the tarball in a directory of the npm cache: remove it.
  for (const d of await npxDirsFor(path.basename(work))) removeDir(d);
  removeDir(work);
});

test.run();
