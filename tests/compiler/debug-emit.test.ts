// `tsboot compile -g` and `--emit ll|obj` on both architectures, read back by LLVM's and
// GNU's own tools rather than by anything of ours:
//   - `--emit ll` writes LLVM IR text for the target that llvm-as-16 accepts;
//   - `--emit obj` writes a relocatable ELF (linux, elf targets) or COFF (uefi) object for
//     the right machine, which llvm-objdump-16 disassembles, with the program's functions;
//   - `-g` puts the subset sources' file:line entries into the image: llvm-dwarfdump-16 finds
//     the line of a function in an imported module in the DWARF of a linux program and of a
//     kernel ELF, gdb finds the address of a source line (host architecture), and the PE's
//     PDB (llvm-pdbutil-16) holds the same lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compilerBuilt, describe, hostArch, makeTempDir, removeDir, RunResult, compileSubset } from '../lib/toolchain';

const ARCHES = ['x86_64', 'aarch64'] as const;
type Arch = (typeof ARCHES)[number];
const work = makeTempDir('debug-emit');

// The line numbers the tests look for: `seven`'s body is helper.ts:2, the call main.ts:3.
const MAIN = 'import { seven } from "./helper";\nexport function main(): i32 {\n  printU(u64(seven())); print("\\n");\n  return 0;\n}\n';
const HELPER = 'export function seven(): u32 {\n  return 7;\n}\n';
const entry = path.join(work, 'main.ts');
fs.writeFileSync(entry, MAIN);
fs.writeFileSync(path.join(work, 'helper.ts'), HELPER);

/** The kernel variant: an elf target's entry is main(bootInfo): void. */
const KERNEL = 'import { seven } from "./helper";\nexport function main(bi: u64): void {\n  let x = seven();\n  while (x != 0) { x = x - 1; }\n}\n';
const kernelEntry = path.join(work, 'kernel.ts');
fs.writeFileSync(kernelEntry, KERNEL);

function tool(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(!r.error, `${cmd} could not run (${r.error?.message}); npm run setup installs it`);
  return { status: r.status, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

function compile(file: string, target: string, out: string, extra: string[]): void {
  const r: RunResult = compileSubset(file, { target, out, extra, timeoutMs: 300_000 });
  assert.is(r.status, 0, describe(r));
  assert.ok(fs.existsSync(out), `no ${out} written`);
}

const ELF_MACHINE: Record<Arch, number> = { x86_64: 62, aarch64: 183 };
const COFF_FORMAT: Record<Arch, string> = { x86_64: 'coff-x86-64', aarch64: 'coff-arm64' };

test.before(() => { assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b'); });

for (const arch of ARCHES) {
  test(`--emit ll, ${arch}: LLVM IR for ${arch} that llvm-as-16 accepts`, () => {
    const out = path.join(work, `main-${arch}.ll`);
    compile(entry, `${arch}-linux`, out, ['--emit', 'll']);
    const ir = fs.readFileSync(out, 'utf8');
    assert.match(ir, new RegExp(`^target triple = "${arch}-`, 'm'));
    assert.match(ir, /^define .*@"?helper\.seven"?\(/m, 'the imported function is not defined in the IR');
    const r = tool('llvm-as-16', ['-o', '/dev/null', out]);
    assert.is(r.status, 0, `llvm-as-16 rejects the IR:\n${r.out}`);
  });

  test(`--emit obj, ${arch}: a relocatable ELF llvm-objdump-16 disassembles, with the program's functions`, () => {
    const out = path.join(work, `main-${arch}.o`);
    compile(entry, `${arch}-linux`, out, ['--emit', 'obj', '-O0']); // -O0: helper.seven stays a function
    const b = fs.readFileSync(out);
    assert.ok(b.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), 'not an ELF file');
    assert.is(b.readUInt16LE(16), 1, 'e_type is not ET_REL');
    assert.is(b.readUInt16LE(18), ELF_MACHINE[arch], 'e_machine is not the target');
    const d = tool('llvm-objdump-16', ['-d', out]);
    assert.is(d.status, 0, d.out);
    assert.match(d.out, /file format elf64-(x86-64|littleaarch64)/);
    assert.match(d.out, /<helper\.seven>:/);
    assert.match(d.out, /<tsboot_main>:/);
  });

  test(`--emit obj, ${arch}-uefi: a COFF object llvm-objdump-16 reads`, () => {
    const out = path.join(work, `main-${arch}.obj`);
    compile(entry, `${arch}-uefi`, out, ['--emit', 'obj', '-O0']);
    const h = tool('llvm-objdump-16', ['-h', '-t', out]);
    assert.is(h.status, 0, h.out);
    assert.ok(h.out.includes(`file format ${COFF_FORMAT[arch]}`), h.out);
    assert.match(h.out, /\.text/);
    assert.match(h.out, /helper\.seven/);
  });

  test(`-g, ${arch}-linux: llvm-dwarfdump-16 finds helper.ts:1-2 and main.ts:3 in the program`, () => {
    const exe = path.join(work, `main-${arch}-g`);
    compile(entry, `${arch}-linux`, exe, ['-O0', '-g']);
    const nm = tool('llvm-nm-16', [exe]);
    const seven = /^([0-9a-f]+) t helper\.seven$/m.exec(nm.out);
    assert.ok(seven, `no helper.seven symbol:\n${nm.out.slice(0, 2000)}`);
    const look = tool('llvm-dwarfdump-16', [`--lookup=0x${seven![1]}`, exe]);
    assert.match(look.out, /Line info: file 'helper\.ts', line 1,/, look.out);
    const lines = tool('llvm-dwarfdump-16', ['--debug-line', exe]);
    assert.is(lines.status, 0, lines.out);
    for (const f of ['main.ts', 'helper.ts']) assert.ok(lines.out.includes(`name: "${f}"`), `${f} is not in the line table`);
    assert.match(lines.out, /^0x[0-9a-f]{16}\s+3\s+\d+\s+\d+/m, 'no line-table row for line 3');
    if (arch === hostArch) {
      const g = tool('gdb', ['-nx', '-batch', '-ex', 'info line helper.ts:2', '-ex', 'info line main.ts:3', exe]);
      assert.match(g.out, /Line 2 of "(?:.*\/)?helper\.ts" starts at address 0x[0-9a-f]+ <helper\.seven\+\d+>/, g.out);
      assert.match(g.out, /Line 3 of "(?:.*\/)?main\.ts" starts at address 0x[0-9a-f]+ <tsboot_main\+\d+>/, g.out);
    }
  });

  test(`-g, ${arch}-elf: the kernel ELF carries DWARF lines of its sources at its higher-half addresses`, () => {
    const elf = path.join(work, `kernel-${arch}.elf`);
    compile(kernelEntry, `${arch}-elf`, elf, ['-O0', '-g']);
    const lines = tool('llvm-dwarfdump-16', ['--debug-line', elf]);
    assert.is(lines.status, 0, lines.out);
    for (const f of ['kernel.ts', 'helper.ts']) assert.ok(lines.out.includes(`name: "${f}"`), `${f} is not in the kernel's line table`);
    const seven = /^([0-9a-f]+) t helper\.seven$/m.exec(tool('llvm-nm-16', [elf]).out);
    assert.ok(seven, 'no helper.seven symbol in the kernel');
    assert.match(seven![1], /^ffffffff8/, 'the kernel is not linked in the higher half');
    const look = tool('llvm-dwarfdump-16', [`--lookup=0x${seven![1]}`, elf]);
    assert.match(look.out, /Line info: file 'helper\.ts', line 1,/, look.out);
  });

  test(`-g, ${arch}-uefi: the PDB next to the image holds helper.ts:1-2 and main.ts:3`, () => {
    const efi = path.join(work, `main-${arch}.efi`);
    compile(entry, `${arch}-uefi`, efi, ['-O0', '-g']);
    const pdb = efi.replace(/\.efi$/, '.pdb');
    assert.ok(fs.existsSync(pdb), `no ${pdb} written`);
    const dir = tool('llvm-readobj-16', ['--coff-debug-directory', efi]);
    assert.ok(dir.out.includes(`PDBFileName: ${pdb}`), `the image does not name its PDB:\n${dir.out}`);
    const l = tool('llvm-pdbutil-16', ['dump', '--l', pdb]);
    assert.is(l.status, 0, l.out);
    const block = (file: string) => new RegExp(`${file.replace('.', '\\.')} \\(no checksum\\)\\n.*\\n((?:\\s+\\d+ [0-9A-F]{8} !)+)`).exec(l.out)?.[1] ?? '';
    assert.match(block('helper.ts'), /^\s+1 [0-9A-F]{8} !\s+2 /, `helper.ts lines:\n${l.out}`);
    assert.match(block('main.ts'), /\s3 [0-9A-F]{8} !/, `main.ts lines:\n${l.out}`);
  });
}

test.after(() => removeDir(work));
test.run();
