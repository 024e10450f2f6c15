// tsboot's tsserver plugin, driven through tsserver's protocol as an editor drives it: a
// project made from the kernel template (tsboot linked in as a dependency), the repository's
// TypeScript serving it. Errors only tsboot knows appear on the editor's buffer (unsaved
// edits included) and go away when fixed; errors belong to the file they are in; the target
// follows the program's main; and no broken buffer takes tsserver down or silences the
// plugin. tests/pkg/pack.test.ts repeats the first case from an installed tarball.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describe, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';
import { runIn } from '../lib/npm';
import { startTsServer, TsServer } from '../lib/tsserver';

const work = makeTempDir('plugin');
const project = path.join(work, 'p');
let server: TsServer;

function write(rel: string, text: string): string {
  const f = path.join(project, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

async function tsboot(file: string): Promise<string[]> {
  const diags = await server.semanticDiagnostics(file);
  return diags.filter((d) => d.source === 'tsboot').map((d) => `${d.startLocation.line}:${d.startLocation.offset} ${d.message}`);
}

const KERNEL = `import { type BootInfo, kernelInit, kernelPass } from "tsboot/protocol";
import { scale } from "./util";

export function main(bootInfo: Ptr<BootInfo>): void {
  kernelInit(bootInfo);
  let x: u8 = 300;
  let a: u8 = scale(2);
  kernelPass();
}
`;
const UTIL = `export function scale(v: u32): u64 {
  let n: i32 = v;
  return v * 2;
}
`;

test.before(async () => {
  const r = await runIn(repoRoot, process.execPath, [path.join(repoRoot, 'bin', 'tsboot.js'), 'new', project, '--tsboot', `file:${repoRoot}`], 60_000);
  assert.is(r.status, 0, describe(r));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(project, 'node_modules', 'tsboot'));
  server = startTsServer(path.join(repoRoot, 'node_modules', 'typescript', 'lib', 'tsserver.js'), path.join(work, 'tsserver.log'),
    ['--pluginProbeLocations', path.join(project, 'node_modules')]);
});

test('width and signedness errors appear in the editor; tsc alone accepts the same files', async () => {
  const kernel = write('src/kernel.ts', KERNEL);
  const util = write('src/util.ts', UTIL);
  const tsc = await runIn(project, process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], 120_000);
  assert.is(tsc.status, 0, describe(tsc));
  assert.is(tsc.stdout + tsc.stderr, '');

  server.open(kernel, KERNEL, project);
  server.open(util, UTIL, project);
  assert.equal(await tsboot(kernel), [
    '6:15 300 does not fit u8 (0..255); use a wider type or an explicit conversion like u8(x)',
    '7:15 cannot use a value of type u64 as u8; convert explicitly with u8(x)',
  ], server.logFile);
  // Each file gets its own errors, not its imports'.
  assert.equal(await tsboot(util), ['2:16 cannot use a value of type u32 as i32; convert explicitly with i32(x)'], server.logFile);
});

test('unsaved edits are checked: fixing the buffer removes the errors, breaking it brings them back', async () => {
  const kernel = path.join(project, 'src', 'kernel.ts');
  const fixed = KERNEL.replace('let x: u8 = 300;', 'let x: u16 = 300;').replace('let a: u8 = scale(2);', 'let a: u64 = scale(2);');
  server.change(kernel, KERNEL, fixed);
  assert.equal(await tsboot(kernel), []);
  const other = fixed.replace('let a: u64 = scale(2);', 'let a: u64 = scale(-1);');
  server.change(kernel, fixed, other);
  assert.equal(await tsboot(kernel), ['7:22 -1 does not fit u32 (0..4294967295); to wrap it, convert explicitly: u32(-1) (a `~` bit mask such as ~0 wraps too)']);
  server.change(kernel, other, KERNEL);
});

test('broken buffers never take tsserver down, and the plugin keeps working after them', async () => {
  const kernel = path.join(project, 'src', 'kernel.ts');
  const broken = [
    'export function main(',
    'let s = "unterminated\n',
    'class Foo { bar = () => 1 }\nexport function main(): void { new Foo(); }',
    'import * as m from "./nowhere";\nexport function main(b: Ptr<Ptr<Ptr<Foo>>>): void { m.x = 1; }',
    'export function main(): void { let f = function () { return this; }; for (const k in f) {} }',
    'export const enum E { A = 1 << 99, B = A / 0 }\nexport function main(): void { let x: u8 = E.B; }',
    'export function main(): void { ' + '('.repeat(500) + '1' + ')'.repeat(500) + '; }',
    '\u0000\uFFFF\uD800',
    '',
  ];
  let prev = KERNEL;
  for (const text of broken) {
    server.change(kernel, prev, text);
    prev = text;
    await server.syntacticDiagnostics(kernel);
    await server.semanticDiagnostics(kernel); // must answer, whatever tsboot thinks of it
    assert.ok(server.alive, `tsserver died on ${JSON.stringify(text.slice(0, 60))}`);
  }
  server.change(kernel, prev, KERNEL);
  assert.equal((await tsboot(kernel)).length, 2, 'the plugin stopped reporting after broken buffers');
});

test('the target follows main: an EFI application may call uefiSystemTable(), a kernel may not', async () => {
  const app = write('src/app.ts', `export function main(image: Ptr<void>, st: Ptr<void>): u64 {
  let t: Ptr<void> = uefiSystemTable();
  return 0;
}
`);
  const text = fs.readFileSync(app, 'utf8');
  server.open(app, text, project);
  // The project now holds an EFI application's main: it is checked as x86_64-uefi.
  assert.equal(await tsboot(app), []);
  const asKernel = text.replace('image: Ptr<void>, st: Ptr<void>', 'bootInfo: Ptr<void>');
  server.change(app, text, asKernel);
  assert.equal(await tsboot(app), ['2:22 \'uefiSystemTable\' is declared but has no implementation for target x86_64-elf']);
});

test.after(async () => {
  if (server) await server.close();
  removeDir(work);
});

test.run();
