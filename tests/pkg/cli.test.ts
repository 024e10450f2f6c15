// The project commands without QEMU: `tsboot new` (both templates, its refusals, the
// dependency it writes), `tsboot check` (diagnostics, exit status, directories, the target
// from main), `tsboot run`'s refusals before anything boots, the templates compiling for
// every target they are for, and the package's tsconfig agreeing with the compiler's options.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describe, hasStackTrace, makeTempDir, removeDir, repoRoot, RunResult, tsbootBin } from '../lib/toolchain';
import { runIn } from '../lib/npm';
import { installSpec } from '../../toolchain/src/cli/project';
import { subsetCompilerOptions } from '../../toolchain/src/parse/program';
import * as ts from 'typescript';

const work = makeTempDir('cli');

function tsboot(args: string[], cwd = work): Promise<RunResult> {
  return runIn(cwd, process.execPath, [tsbootBin, ...args], 120_000);
}

/** A refusal: exit status 1, the message on stderr, no stack trace. */
function refused(r: RunResult, message: RegExp): void {
  assert.is(r.status, 1, describe(r));
  assert.match(r.stderr, message);
  assert.not.ok(hasStackTrace(r.stderr + r.stdout), describe(r));
}

test('tsboot new: the kernel template, its files named for the project, tsboot from this checkout', async () => {
  const r = await tsboot(['new', 'my-kernel']);
  assert.is(r.status, 0, describe(r));
  const dir = path.join(work, 'my-kernel');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  assert.is(pkg.name, 'my-kernel');
  assert.is(pkg.dependencies.tsboot, `file:${repoRoot}`);
  assert.is(pkg.scripts.test, 'tsboot run src/kernel.ts --arch x86_64 && tsboot run src/kernel.ts --arch aarch64');
  assert.is(pkg.scripts.check, 'tsboot check src');
  const files = ['src/kernel.ts', 'README.md', 'tsconfig.json', '.gitignore', '.github/workflows/ci.yml', '.vscode/settings.json'];
  for (const f of files) assert.ok(fs.existsSync(path.join(dir, f)), f);
  assert.match(fs.readFileSync(path.join(dir, 'src', 'kernel.ts'), 'utf8'), /\[kernel\] hello from my-kernel: /);
  assert.match(fs.readFileSync(path.join(dir, '.github', 'workflows', 'ci.yml'), 'utf8'), /npx tsboot setup[\s\S]*npm test/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')).extends, 'tsboot/tsconfig.json');
  assert.match(r.stdout, /next: cd my-kernel && npm install && npx tsboot run src\/kernel\.ts --arch x86_64/);
});

test('tsboot new --template efi-app --tsboot <spec>', async () => {
  const r = await tsboot(['new', 'app', '--template', 'efi-app', '--tsboot', '^0.1.0']);
  assert.is(r.status, 0, describe(r));
  const pkg = JSON.parse(fs.readFileSync(path.join(work, 'app', 'package.json'), 'utf8'));
  assert.is(pkg.dependencies.tsboot, '^0.1.0');
  assert.is(pkg.scripts.start, 'tsboot run src/app.ts --arch x86_64');
  assert.ok(fs.existsSync(path.join(work, 'app', 'src', 'app.ts')));
  assert.not.ok(fs.existsSync(path.join(work, 'app', 'src', 'kernel.ts')));
});

test('tsboot new refuses a directory that is not empty, and a name npm would refuse', async () => {
  refused(await tsboot(['new', 'my-kernel']), /my-kernel already exists and is not an empty directory/);
  refused(await tsboot(['new', 'My Kernel']), /'My Kernel' is not a valid package name .*pass --name <name>/);
  refused(await tsboot(['new', 'x', '--template', 'bootloader']), /Invalid values:[\s\S]*template/);
});

test('installSpec: the tarball or directory a project\'s tsboot came from, else the published range', () => {
  const root = path.join(work, 'spec');
  const pkgDir = path.join(root, 'node_modules', 'tsboot');
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: 'tsboot', version: '9.8.7' }));
  assert.equal(installSpec(pkgDir), { spec: '^9.8.7', local: false }, 'no package.json above node_modules');
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ dependencies: { tsboot: 'file:../dist/tsboot-9.8.7.tgz' } }));
  assert.equal(installSpec(pkgDir), { spec: `file:${path.join(work, 'dist', 'tsboot-9.8.7.tgz')}`, local: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ devDependencies: { tsboot: '~9.8.0' } }));
  assert.equal(installSpec(pkgDir), { spec: '~9.8.0', local: false });
  assert.equal(installSpec(repoRoot), { spec: `file:${repoRoot}`, local: true }, 'a checkout');
});

test('tsboot check: diagnostics with file:line:col, exit status 1; silent and 0 when clean', async () => {
  const dir = path.join(work, 'my-kernel');
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'tsboot'));
  const clean = await tsboot(['check', 'src'], dir);
  assert.is(clean.status, 0, describe(clean));
  assert.is(clean.stdout + clean.stderr, '');

  fs.writeFileSync(path.join(dir, 'src', 'util.ts'), 'export function f(v: u64): u32 {\n  let b: u8 = 256;\n  return v;\n}\n');
  const bad = await tsboot(['check', 'src'], dir);
  assert.is(bad.status, 1, describe(bad));
  assert.is(bad.stdout, [
    'src/util.ts:2:15: error: 256 does not fit u8 (0..255); use a wider type or an explicit conversion like u8(x)',
    'src/util.ts:3:10: error: cannot use the return value of type u64 as u32; convert explicitly with u32(x)',
    '2 errors (checked for x86_64-elf)',
    '',
  ].join('\n'));
  // One file names only itself and what it imports.
  const one = await tsboot(['check', 'src/kernel.ts'], dir);
  assert.is(one.status, 0, describe(one));
  fs.rmSync(path.join(dir, 'src', 'util.ts'));
  refused(await tsboot(['check', 'nowhere.ts'], dir), /nowhere\.ts: no such file or directory/);
});

test('tsboot check takes the target from main: x86_64-uefi for an EFI application', async () => {
  const f = path.join(work, 'app', 'src', 'extra.ts');
  fs.mkdirSync(path.join(work, 'app', 'node_modules'), { recursive: true });
  fs.symlinkSync(repoRoot, path.join(work, 'app', 'node_modules', 'tsboot'));
  fs.writeFileSync(path.join(work, 'app', 'src', 'extra.ts'), 'export function t(): Ptr<void> {\n  return uefiSystemTable();\n}\n');
  const asApp = await tsboot(['check', 'app/src']);
  assert.is(asApp.status, 0, describe(asApp));
  const asKernel = await tsboot(['check', f, '--target', 'x86_64-elf']);
  assert.is(asKernel.status, 1, describe(asKernel));
  assert.match(asKernel.stdout, /extra\.ts:2:10: error: 'uefiSystemTable' is declared but has no implementation for target x86_64-elf/);
});

test('tsboot run refuses bad input before anything boots', async () => {
  const dir = path.join(work, 'my-kernel');
  refused(await tsboot(['run', 'src/nope.ts', '--arch', 'x86_64'], dir), /src\/nope\.ts: no such file/);
  refused(await tsboot(['run', 'README.md', '--arch', 'x86_64'], dir), /give a subset source \(\.ts\), a kernel \(\.elf\) or an EFI application \(\.efi\)/);
  refused(await tsboot(['run', 'src/kernel.ts', '--arch', 'x86_64', '--cmdline', 'a #b'], dir), /--cmdline: .*blank followed by '#'/);
  refused(await tsboot(['run', 'src/kernel.ts', '--arch', 'x86_64', '--memory', '12X'], dir), /invalid memory size "12X"/);
  refused(await tsboot(['run', path.join(work, 'app', 'src', 'app.ts'), '--arch', 'x86_64', '--cmdline', 'x']), /--cmdline, --cfg and --entry are for kernels/);
  refused(await tsboot(['run', 'src/kernel.ts', '--arch', 'riscv64'], dir), /Invalid values:[\s\S]*arch/);
  // An image for the other architecture, or not an image at all.
  const elf = path.join(work, 'k-x86_64.elf');
  const c = await tsboot(['compile', path.join(dir, 'src', 'kernel.ts'), '--target', 'x86_64-elf', '-o', elf]);
  assert.is(c.status, 0, describe(c));
  refused(await tsboot(['run', elf, '--arch', 'aarch64']), /k-x86_64\.elf is built for x86_64, not aarch64/);
  fs.writeFileSync(path.join(work, 'junk.efi'), 'MZ not really');
  refused(await tsboot(['run', 'junk.efi', '--arch', 'x86_64']), /junk\.efi is not a PE32\+ EFI application: /);
});

test('the templates compile for every target they are for (through the package\'s own exports)', async () => {
  const jobs: Promise<void>[] = [];
  for (const [entry, os] of [['templates/kernel/src/kernel.ts', 'elf'], ['templates/efi-app/src/app.ts', 'uefi']]) {
    for (const arch of ['x86_64', 'aarch64']) {
      const out = path.join(work, `${path.basename(entry, '.ts')}-${arch}.${os}`);
      jobs.push(tsboot(['compile', path.join(repoRoot, entry), '--target', `${arch}-${os}`, '-o', out]).then((r) => {
        assert.is(r.status, 0, describe(r));
        assert.ok(fs.statSync(out).size > 0);
      }));
    }
  }
  await Promise.all(jobs);
});

test('tsboot/tsconfig.json gives editors the compiler\'s own options', () => {
  const file = path.join(repoRoot, 'sdk', 'tsconfig.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  assert.not.ok(read.error, read.error && ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const { options } = ts.convertCompilerOptionsFromJson(read.config.compilerOptions, path.dirname(file));
  for (const [k, v] of Object.entries(subsetCompilerOptions)) {
    if (k === 'types') continue; // the compiler names the ambient declarations itself, editors through tsboot/types
    assert.equal((options as Record<string, unknown>)[k], v, `compilerOptions.${k}`);
  }
  assert.equal(options.types, ['tsboot/types']);
});

test.after(() => removeDir(work));

test.run();
