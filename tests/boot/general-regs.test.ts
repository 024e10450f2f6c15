// The loaders and kernels use general registers only (docs/language.md, "Targets"):
// U-Boot's x86_64 UEFI leaves CR4.OSFXSR clear, so one SSE instruction in BOOTX64.EFI is a
// #UD before the first line is printed; the kernels never save FP/SIMD state.
//
// Two views of the same code:
//   - the assembly clang makes from the IR (`tsboot compile --emit asm`, the same pipeline as
//     the object): exact, every instruction of every function, data directives excluded;
//   - llvm-objdump's linear sweep of the linked loader (loader-<arch>.efi, which the boot
//     file BOOTX64.EFI / BOOTAA64.EFI holds compressed and hands to the firmware's
//     LoadImage) and of the unpack stub's object: what runs. On x86_64 COFF some switch jump tables live in .text; their entries decode as
//     junk (`fcos`), so the bytes of each table found through its dispatch sequence
//     (`leaq T(%rip), %r`, then `movslq (%r,%i,4)`, at once or, at -Oz, later in the
//     function) are skipped.
// A control compiles the same sha256 program for the *-linux targets, which may use SIMD,
// and requires the scanner to find it there, and not with --general-regs-only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compile } from '../../toolchain/src/driver';
import { parsePe, rvaToOffset, sectionByName } from '../../linker/pe';
import { runTool } from '../../scripts/exec';
import { type Arch, ARCHES, archInfo, repoRoot } from '../../scripts/paths';
import { buildBoot, tempDir } from './bootlib';

interface Insn {
  /** Address for disassembly, line number for assembly. */
  where: string;
  mnemonic: string;
  operands: string;
}

const X86_FP_REG = /%(?:[xyz]mm\d+|mm[0-7]\b|st\b|st\(\d\)|k[0-7]\b)/;
const X86_FP_MNEMONIC = /^(?:f[a-z0-9]+|ldmxcsr|stmxcsr|emms|femms|xsave\w*|xrstor\w*)$/;
const A64_FP_REG = /^(?:[vz]\d+(?:\.\w+)?(?:\[\d+\])?|[qdshb]\d+|p\d+(?:\/[zm])?|fpcr|fpsr)$/i;
const A64_FP_MNEMONIC = /^(?:f[a-z0-9]+|[su]cvtf|ld[1-4]r?|st[1-4])$/;

/** The instructions of `insns` that need the FP/SIMD unit. */
function fpInstructions<T extends Insn>(arch: Arch, insns: T[]): T[] {
  if (arch === 'x86_64') return insns.filter((i) => X86_FP_MNEMONIC.test(i.mnemonic) || X86_FP_REG.test(i.operands));
  return insns.filter((i) =>
    A64_FP_MNEMONIC.test(i.mnemonic) ||
    i.operands.split(/[\s,[\]{}!#]+/).some((tok) => A64_FP_REG.test(tok)));
}

/** Instruction lines of clang's assembly (directives, labels and comments dropped). */
function asmInstructions(text: string): Insn[] {
  const out: Insn[] = [];
  text.split('\n').forEach((line, n) => {
    const m = /^\t([a-z][\w.]*)(?:\s+([^;/]*?))?\s*(?:(?:\/\/|#|;).*)?$/.exec(line);
    if (m) out.push({ where: `line ${n + 1}`, mnemonic: m[1], operands: m[2] ?? '' });
  });
  return out;
}

async function compileAsm(entry: string, target: string, out: string, generalRegsOnly = false): Promise<Insn[]> {
  const r = await compile({ entry: path.join(repoRoot(), entry), target, output: out, emit: 'asm', generalRegsOnly });
  assert.ok(r.ok, `compiling ${entry} for ${target} failed:\n${r.diagnostics.format()}`);
  const insns = asmInstructions(fs.readFileSync(out, 'utf8'));
  assert.ok(insns.length > 500, `only ${insns.length} instructions in the assembly of ${entry} (${target}): parser broken?`);
  return insns;
}

function show(hits: Insn[]): string {
  return hits.slice(0, 10).map((i) => `  ${i.where}: ${i.mnemonic} ${i.operands}`).join('\n') + (hits.length > 10 ? `\n  ... ${hits.length - 10} more` : '');
}

const tmp = tempDir('general-regs');
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

for (const arch of ARCHES) {
  const info = archInfo(arch);
  test(`${arch}: the scanner finds the SIMD clang uses for ${arch}-linux (control)`, async () => {
    const hits = fpInstructions(arch, await compileAsm('bench/subset/sha256.ts', `${arch}-linux`, path.join(tmp, `sha-${arch}.s`)));
    assert.ok(hits.length > 0, `no FP/SIMD instruction found in sha256 for ${arch}-linux; the scanner cannot see them`);
  });

  // The paging benchmark measures the engine this way (bench/paging.ts).
  test(`${arch}: ${arch}-linux with --general-regs-only has no FP/SIMD instruction`, async () => {
    const hits = fpInstructions(arch, await compileAsm('bench/subset/sha256.ts', `${arch}-linux`, path.join(tmp, `sha-gr-${arch}.s`), true));
    assert.is(hits.length, 0, `FP/SIMD instructions in sha256 for ${arch}-linux --general-regs-only:\n${show(hits)}`);
  });

  for (const [what, entry, target] of [
    ['loader', 'loader/main.ts', info.uefiTarget], ['unpack stub', 'loader/unpack/main.ts', info.uefiTarget],
    ['kernel', 'kernel-stub/main.ts', info.elfTarget],
  ]) {
    test(`${arch}: the ${what} (${target}) has no FP/SIMD instruction in its assembly`, async () => {
      const hits = fpInstructions(arch, await compileAsm(entry, target, path.join(tmp, `${what}-${arch}.s`)));
      assert.is(hits.length, 0, `FP/SIMD instructions in the ${what} for ${target}:\n${show(hits)}`);
    });
  }

  // The loader the boot file holds (its code; the boot file's .text is mostly the payload,
  // data that would disassemble as anything). The stub's code: its object, below.
  test(`${arch}: llvm-objdump finds no FP/SIMD instruction in loader-${arch}.efi or the unpack stub`, async () => {
    const { loaderImage: loader, unpackStub } = await buildBoot(arch);
    const stubHits: (Insn & { va: number; comment: string })[] = [];
    for (const line of runTool('llvm-objdump-16', ['-d', '--no-show-raw-insn', unpackStub]).split('\n')) {
      const m = /^\s*([0-9a-f]+):\s+([a-z][\w.]*)\s*(.*?)\s*(?:(?:#|\/\/)(.*))?$/.exec(line);
      if (m) stubHits.push({ where: `0x${m[1]}`, va: parseInt(m[1], 16), mnemonic: m[2], operands: m[3], comment: m[4] ?? '' });
    }
    assert.ok(stubHits.length > 200, `only ${stubHits.length} instructions disassembled from ${unpackStub}`);
    assert.is(fpInstructions(arch, stubHits).length, 0, `FP/SIMD instructions in ${unpackStub}:\n${show(fpInstructions(arch, stubHits))}`);
    const bytes = fs.readFileSync(loader);
    const pe = parsePe(bytes);
    const text = sectionByName(pe, '.text')!;
    const base = Number(pe.imageBase);
    const dis = runTool('llvm-objdump-16', ['-d', '--no-show-raw-insn', loader]);
    const insns: (Insn & { va: number; comment: string })[] = [];
    for (const line of dis.split('\n')) {
      const m = /^\s*([0-9a-f]+):\s+([a-z][\w.]*)\s*(.*?)\s*(?:(?:#|\/\/)(.*))?$/.exec(line);
      if (m) insns.push({ where: `0x${m[1]}`, va: parseInt(m[1], 16), mnemonic: m[2], operands: m[3], comment: m[4] ?? '' });
    }
    assert.ok(insns.length > 5000, `only ${insns.length} instructions disassembled from ${loader}`);
    // Jump tables inside .text: entries are 32-bit offsets from the table back into its function.
    const tables: Array<[number, number]> = [];
    if (arch === 'x86_64') {
      insns.forEach((ins, i) => {
        const lea = ins.mnemonic === 'leaq' ? /\(%rip\), %(\w+)/.exec(ins.operands) : null;
        if (!lea) return;
        // -Oz hoists the table's address out of the dispatch loop: the movslq that indexes
        // the table may come many instructions after the leaq (in the same function).
        const uses = insns.slice(i + 1, i + 400);
        if (!uses.some((u) => u.mnemonic === 'movslq' && u.operands.startsWith(`(%${lea[1]},`))) return;
        const m = /0x([0-9a-f]+)/.exec(ins.comment);
        if (!m) return;
        const t = parseInt(m[1], 16) - base;
        if (t < text.rva || t >= text.rva + text.virtualSize) return; // table in .rdata: not disassembled
        let n = 0;
        for (;;) {
          const rva = t + 4 * n;
          if (rva + 4 > text.rva + text.virtualSize) break;
          const target = t + bytes.readInt32LE(rvaToOffset(pe, rva, 4));
          if (target >= t || target < text.rva) break;
          n++;
        }
        tables.push([base + t, base + t + 4 * n]);
      });
    }
    const inTable = (va: number) => tables.some(([s, e]) => va >= s && va < e);
    const hits = fpInstructions(arch, insns).filter((i) => !inTable(i.va));
    assert.is(hits.length, 0, `FP/SIMD instructions in ${loader} (${tables.length} jump tables in .text skipped):\n${show(hits)}`);
  });
}

test.run();
