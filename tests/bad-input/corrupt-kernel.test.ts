// A kernel that is still a well-formed ELF but has corrupted code bytes passes every check
// of the loader (only a hash could catch it). It must then end in an exception report and a
// power-off, never in a reset loop: these boots allow guest resets (no -no-reboot), as a
// real PC does, and a reset is noticed when the firmware or the loader speaks again after
// the kernel did.
//
// `npm test`: on both architectures, the first bytes of a kernel function that runs after
// the exception handlers are installed (main.expectAttrs) are overwritten with 0xff
// (x86_64: an undefined FF /7 opcode; aarch64: an unallocated encoding); and, on x86_64,
// the limit of what the kernel can catch: a kernel corrupted in its very first
// instructions, before its IDT exists, triple-faults and the machine resets (the detector
// must see that, else the no-reset assertions above prove nothing).
// `npm run test:matrix`: the 0xff case on U-Boot's UEFI too, and random byte flips (seeded)
// in the code outside the exception path on both architectures; none may reset the
// machine, and each boot ends in PASS (a flip in code that did not run, or a harmless one),
// a report with FAIL, or, at worst, silence (a flip that makes a loop endless; there is no
// watchdog), which is counted and printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { bootNoReset, buildBoot, explain, tempDir, FIRMWARE_DUMP_PATTERNS, NoResetRun } from '../boot/bootlib';
import { parseElf, ElfFile, PT } from '../../linker/elf';
import type { Arch } from '../../scripts/paths';
import type { FirmwareName } from '../../ovmf/firmware';

const FULL = process.env.TSBOOT_MATRIX === '1';
const EFI: Record<Arch, string> = { x86_64: 'BOOTX64.EFI', aarch64: 'BOOTAA64.EFI' };
const ARCHES: Arch[] = ['x86_64', 'aarch64'];

/** File offset of virtual address `va` (inside a PT_LOAD's file bytes). */
function fileOffset(f: ElfFile, va: bigint): number {
  for (const p of f.programHeaders) {
    if (p.type === PT.LOAD && va >= p.vaddr && va < p.vaddr + BigInt(p.filesz)) return p.offset + Number(va - p.vaddr);
  }
  throw new Error(`0x${va.toString(16)} is not in the file bytes of any PT_LOAD`);
}

function functionSymbol(f: ElfFile, name: string): { addr: bigint; size: number } {
  const s = f.symbols.find((x) => x.name === name && x.type === 2);
  if (!s) throw new Error(`the kernel has no function ${name}`);
  return { addr: s.value, size: s.size };
}

/** Boots `kernel` (a corrupted copy) as the default kernel, resets allowed. */
async function bootKernel(
  arch: Arch, tag: string, kernel: Buffer, timeoutMs = 90_000, silenceMs = 30_000, firmware: FirmwareName = 'edk2',
): Promise<NoResetRun> {
  const art = await buildBoot(arch);
  const dir = tempDir(`corrupt-${arch}-${firmware}-${tag}`);
  try {
    const file = path.join(dir, 'kernel.elf');
    fs.writeFileSync(file, kernel);
    return await bootNoReset(arch, dir, [
      { hostPath: art.loader, espPath: `/EFI/BOOT/${EFI[arch]}` },
      { hostPath: file, espPath: `/tsboot/kernel-${arch}.elf` },
    ], { firmware, failPatterns: FIRMWARE_DUMP_PATTERNS, requireVerdict: false, timeoutMs, silenceMs });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const FIRMWARES: FirmwareName[] = FULL ? ['edk2', 'uboot'] : ['edk2'];

for (const firmware of FIRMWARES) for (const arch of ARCHES) {
  test(`${arch} ${firmware}: 0xff over the start of main.expectAttrs: an undefined-instruction report, FAIL, power-off`, async () => {
    const art = await buildBoot(arch);
    const bytes = fs.readFileSync(art.kernel);
    const elf = parseElf(bytes);
    const fn = functionSymbol(elf, 'main.expectAttrs');
    const off = fileOffset(elf, fn.addr);
    const bad = Buffer.from(bytes);
    bad.fill(0xff, off, off + 4);
    const run = await bootKernel(arch, 'ff', bad, 120_000, 30_000, firmware);
    const r = run.result;
    const texts = r.lines.map((l) => l.text);
    const accepted = texts.some((t) => /^\[loader\] kernel ELF ok: /.test(t));
    assert.ok(accepted, `the loader refused the corrupted kernel (it passes every ELF check)\n${explain(r)}`);
    const name = arch === 'x86_64' ? 'invalid opcode (#UD)' : 'unknown reason (undefined instruction) (EC 0x00)';
    assert.is(texts.filter((t) => t === `[kernel] EXCEPTION: ${name} on cpu 0`).length, 1, explain(r));
    const pc = `0x${fn.addr.toString(16)}`;
    assert.is(r.failReason, `${name}, ${arch === 'x86_64' ? 'rip' : 'pc'} ${pc} in main.expectAttrs+0x0`, explain(r));
    assert.not.ok(run.reset, `the machine reset\n${explain(r)}`);
    assert.is(r.exit.killedBy, undefined, `QEMU did not end by itself\n${explain(r)}`);
    assert.is(r.exit.code, arch === 'x86_64' ? 35 : 0, explain(r));
  });
}

test('x86_64: a kernel corrupted before its IDT exists triple-faults, and the reset is seen (the handlers\' limit)', async () => {
  const art = await buildBoot('x86_64');
  const bytes = fs.readFileSync(art.kernel);
  const elf = parseElf(bytes);
  const bad = Buffer.from(bytes);
  const off = fileOffset(elf, elf.entry);
  bad.fill(0xff, off, off + 4);
  const run = await bootKernel('x86_64', 'entry', bad);
  assert.ok(run.reset, `no reset was seen; the detector is blind\n${explain(run.result)}`);
  assert.not.ok(run.result.lines.some((l) => l.text.startsWith('[kernel]')), 'the kernel printed nothing before resetting');
});

/** A small deterministic generator (xorshift32) for reproducible flips. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

/**
 * Functions on the exception path (entry and trap set-up, the report, printing, the UART,
 * the exit): a flip there may legitimately stop the report itself. The rest of the code is
 * what the handlers must cover.
 */
const EXCEPTION_PATH = /^(tsboot_|trap\/|std\/|\.\.\/common\/uart\/|arch\/|memset|memcpy|memmove|memcmp|bcmp)/;

if (FULL) {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const arch of ARCHES) {
    test(`${arch}: ${SEEDS.length} kernels with 4 random byte flips each never reset the machine`, async () => {
      const art = await buildBoot(arch);
      const bytes = fs.readFileSync(art.kernel);
      const elf = parseElf(bytes);
      const fns = elf.symbols.filter((s) => s.type === 2 && s.size > 0 && !EXCEPTION_PATH.test(s.name));
      const total = fns.reduce((n, s) => n + s.size, 0);
      const outcomes: string[] = [];
      for (const seed of SEEDS) {
        const next = rng(seed);
        const bad = Buffer.from(bytes);
        const where: string[] = [];
        for (let k = 0; k < 4; k++) {
          let pick = next() % total;
          const s = fns.find((x) => (pick < x.size ? true : ((pick -= x.size), false)))!;
          const off = fileOffset(elf, s.value + BigInt(pick));
          bad[off] ^= 1 << (next() % 8);
          where.push(`${s.name}+0x${pick.toString(16)}`);
        }
        const run = await bootKernel(arch, `seed${seed}`, bad, 120_000, 20_000);
        const r = run.result;
        const report = r.lines.find((l) => l.text.startsWith('[kernel] EXCEPTION:'));
        const outcome = run.reset ? 'RESET'
          : r.verdict === 'pass' ? 'PASS'
          : report ? `report: ${r.failReason}`
          : r.verdict === 'fail' ? `FAIL: ${r.failReason}`
          : `silent: ${r.failure?.kind}`;
        outcomes.push(`seed ${seed} (${where.join(', ')}): ${outcome}`);
        assert.not.ok(run.reset, `seed ${seed}: the machine reset\n${explain(r)}`);
        if (r.verdict !== null) assert.is(r.exit.killedBy, undefined, `seed ${seed}: a verdict but no power-off\n${explain(r)}`);
      }
      console.log(outcomes.map((o) => `    ${o}`).join('\n'));
    });
  }
}

test.run();
