// The incremental build (scripts/build.ts) on a private copy of the tree (copyBuildTree),
// x86_64 only: what it rebuilds after each kind of change, and that it rebuilds nothing
// otherwise. Every run is a fresh `node build/js/scripts/build.js` process, as from npm.
//
// Asserted: the one-process build gives the same loader bytes as a separate `tsboot
// compile`, and packs the boot file around them (linker/pack.ts);
// nothing changed or only a file's time changed: nothing rebuilt; a comment in a shared
// file: both rebuilt, clang skipped (same IR, object cache); a kernel-only edit: only the
// kernel rebuilt, with clang; a new file next to the sources, other flags, a changed
// compiler, other LLVM tools or an edited output: rebuilt, saying why; a syntax error: a
// diagnostic with file:line:col and no stamp, so the next build tries again; two builds at
// once: one compiles, the other waits and finds everything current; the boot file is
// packed again exactly when the loader or the stub changed, or it was edited.
// @suite long 90
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyBuildTree } from '../../scripts/build';
import { tempDir } from './fixtures';

const tmp = tempDir('build-test');
const tree = path.join(tmp.dir, 'tree');
fs.mkdirSync(tree);
copyBuildTree(tree);
test.after(() => tmp.remove());

const bootFile = path.join(tree, 'build', 'x86_64', 'BOOTX64.EFI');
const loader = path.join(tree, 'build', 'x86_64', 'loader-x86_64.efi');
const kernel = path.join(tree, 'build', 'x86_64', 'kernel-x86_64.elf');

interface Run { status: number | null; out: string }

function build(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync(process.execPath, [path.join(tree, 'build', 'js', 'scripts', 'build.js'), '--arch', 'x86_64', ...args], { cwd: tree, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function buildAsync(): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(tree, 'build', 'js', 'scripts', 'build.js'), '--arch', 'x86_64'], { cwd: tree });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.on('close', (status) => resolve({ status, out }));
  });
}

function ok(r: Run): string {
  assert.is(r.status, 0, `the build failed:\n${r.out}`);
  return r.out;
}

type What = 'loader' | 'kernel' | 'boot file';

/** The build's line about `what`. */
function line(out: string, what: What): string {
  return out.split('\n').filter((l) => l.startsWith(`build: x86_64 ${what}`)).join('\n');
}

function upToDate(out: string, what: What): boolean {
  return line(out, what).includes('is up to date');
}

function edit(rel: string, f: (s: string) => string): void {
  const p = path.join(tree, rel);
  fs.writeFileSync(p, f(fs.readFileSync(p, 'utf8')));
}

test('a first build gives the bytes of a separate tsboot compile', () => {
  // The build makes loaders with -Oz (scripts/build.ts), so the separate compile does too.
  const out = ok(build());
  assert.match(out, /3 artifacts in/);
  assert.match(line(out, 'boot file'), /packed in .*BOOTX64\.EFI, \d+ bytes/);
  const single = path.join(tmp.dir, 'single.efi');
  const c = spawnSync(process.execPath, [path.join(tree, 'bin', 'tsboot.js'), 'compile', path.join(tree, 'loader', 'main.ts'), '--target', 'x86_64-uefi', '-Oz', '-o', single], { cwd: tree, encoding: 'utf8' });
  assert.is(c.status, 0, c.stderr);
  assert.ok(fs.readFileSync(single).equals(fs.readFileSync(loader)), 'loader-x86_64.efi from the build differs from tsboot compile\'s');
  assert.ok(fs.statSync(bootFile).size < fs.statSync(loader).size, 'the boot file is not smaller than the loader it holds');
});

test('nothing changed, or only modification times: nothing is rebuilt', () => {
  const before = fs.statSync(kernel).mtimeMs;
  let out = ok(build());
  assert.ok(upToDate(out, 'loader') && upToDate(out, 'kernel') && upToDate(out, 'boot file'), out);
  const now = new Date();
  fs.utimesSync(path.join(tree, 'common', 'bootinfo.ts'), now, now);
  fs.utimesSync(path.join(tree, 'build', 'js', 'toolchain', 'src', 'driver.js'), now, now);
  out = ok(build());
  assert.ok(upToDate(out, 'loader') && upToDate(out, 'kernel'), out);
  assert.is(fs.statSync(kernel).mtimeMs, before);
});

test('a comment in a shared file: both rebuilt, clang skipped (same IR)', () => {
  const bytes = fs.readFileSync(kernel);
  edit('common/bootinfo.ts', (s) => `${s}\n// a comment\n`);
  const out = ok(build());
  assert.match(line(out, 'loader'), /common\/bootinfo\.ts changed/);
  assert.match(line(out, 'kernel'), /object cached, clang skipped/);
  assert.match(line(out, 'loader'), /object cached, clang skipped/);
  assert.ok(fs.readFileSync(kernel).equals(bytes), 'the kernel changed although its IR did not');
  // The same loader bytes: the boot file's record still holds.
  assert.ok(upToDate(out, 'boot file'), out);
});

test('a kernel-only edit rebuilds only the kernel, through clang', () => {
  edit('kernel-stub/main.ts', (s) => `// a line that moves every line below\n${s}`);
  const out = ok(build());
  assert.ok(upToDate(out, 'loader'), out);
  assert.match(line(out, 'kernel'), /kernel-stub\/main\.ts changed/);
  assert.match(line(out, 'kernel'), /clang \d/);
  assert.match(out, /1 artifact in/);
  assert.ok(upToDate(out, 'boot file'), out);
});

test('a loader edit packs the boot file again; an edited boot file is packed again', () => {
  edit('loader/main.ts', (s) => s.replace('starting`);', 'starting.`);'));
  let out = ok(build());
  assert.match(line(out, 'loader'), /loader\/main\.ts changed/);
  assert.match(line(out, 'boot file'), /packed in/);
  fs.appendFileSync(bootFile, Buffer.from([0]));
  out = ok(build());
  assert.ok(upToDate(out, 'loader'), out);
  assert.match(line(out, 'boot file'), /packed in/);
});

test('a new file next to a source, other flags, another compiler, other tools, an edited output: rebuilt', () => {
  fs.writeFileSync(path.join(tree, 'common', 'new-module.ts'), 'export const X: u32 = 1;\n');
  let out = ok(build());
  assert.match(line(out, 'loader'), /files were added to or removed from common/);

  out = ok(build(['-g']));
  assert.match(line(out, 'kernel'), /compiler flags changed/);
  out = ok(build());
  assert.match(line(out, 'kernel'), /compiler flags changed/);

  fs.appendFileSync(path.join(tree, 'build', 'js', 'toolchain', 'src', 'check', 'types.js'), '\n// a comment\n');
  out = ok(build());
  assert.match(line(out, 'kernel'), /the compiler changed/);
  assert.match(line(out, 'kernel'), /object cached, clang skipped/);

  // Another clang-16 first on PATH (a script that runs the real one): other tools.
  const bin = path.join(tmp.dir, 'bin');
  fs.mkdirSync(bin);
  const real = spawnSync('sh', ['-c', 'command -v clang-16'], { encoding: 'utf8' }).stdout.trim();
  fs.writeFileSync(path.join(bin, 'clang-16'), `#!/bin/sh\nexec ${real} "$@"\n`, { mode: 0o755 });
  out = ok(build([], { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` }));
  assert.match(line(out, 'kernel'), /the LLVM tools changed/);
  assert.match(line(out, 'kernel'), /clang \d/, 'an object cached for other tools was used');
  out = ok(build());
  assert.match(line(out, 'kernel'), /the LLVM tools changed/);

  fs.appendFileSync(kernel, Buffer.from([0]));
  out = ok(build());
  assert.match(line(out, 'kernel'), /kernel-x86_64\.elf was modified after it was built/);
  assert.ok(upToDate(out, 'loader'), out);
});

test('a syntax error: file:line:col, no stamp; fixed, it builds', () => {
  const file = path.join(tree, 'kernel-stub', 'main.ts');
  const good = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, `${good}\nexport function broken(: u32 {}\n`);
  const bad = build();
  assert.is(bad.status, 1, bad.out);
  assert.match(bad.out, /kernel-stub\/main\.ts:\d+:\d+: error: /);
  assert.match(bad.out, /building x86_64 kernel \(\d+ errors?\) failed/);
  assert.not.ok(fs.existsSync(`${kernel}.stamp`), 'a failed build left a stamp');
  fs.writeFileSync(file, good);
  const out = ok(build());
  assert.match(line(out, 'kernel'), /no previous build/);
});

test('two builds at once: one compiles, the other waits and finds everything current', async () => {
  fs.rmSync(path.join(tree, 'build', 'x86_64'), { recursive: true, force: true });
  const [a, b] = await Promise.all([buildAsync(), buildAsync()]);
  ok(a);
  ok(b);
  const compiled = [a, b].filter((r) => /3 artifacts in/.test(r.out));
  assert.is(compiled.length, 1, `${a.out}\n---\n${b.out}`);
  const other = compiled[0] === a ? b : a;
  assert.ok(upToDate(other.out, 'loader') && upToDate(other.out, 'kernel'), other.out);
});

test.run();
