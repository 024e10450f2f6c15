// CPU discovery for SMP bring-up, without booting: tests/subset/cpus/driver.ts (common/acpi.ts
// and common/fdt.ts) compiled for x86_64-linux and aarch64-linux, fed
//   - an ACPI blob built here: RSDP 2.0 -> XSDT -> FADT (ARM_BOOT_ARCH) and a MADT with local
//     APIC and x2APIC entries (enabled, disabled, an id listed twice, a 32-bit x2APIC id that
//     only x2APIC mode reaches), a local APIC address override, GIC CPU interface entries
//     (enabled with Aff3 set and a RES1 bit that must be masked, disabled), and a corrupt
//     zero-length entry that must end the walk before the entry after it;
//   - device trees QEMU itself writes (`-M virt,dumpdtb=...`) for -smp 1 and -smp 5, and the
//     -smp 5 tree with one CPU's enable-method changed from "psci" to "spin" (unsupported).
// QEMU 7.2's TCG has no x2APIC, so the boot tests cannot reach those entries; this does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Arch, compileSubsetAsync, compilerBuilt, describe, makeTempDir, removeDir, repoRoot, runExecutableAsync } from '../lib/toolchain';

// ---- the ACPI blob ------------------------------------------------------------------------

const RSDP = 0x40, XSDT = 0x80, FACP = 0x100, MADT = 0x300;

function acpiBlob(): Buffer {
  const b = Buffer.alloc(0x500);
  const header = (at: number, sig: string, len: number) => { b.write(sig, at, 'ascii'); b.writeUInt32LE(len, at + 4); b[at + 8] = 6; };
  b.write('RSD PTR ', RSDP, 'ascii');
  b[RSDP + 15] = 2;
  b.writeUInt32LE(36, RSDP + 20);
  b.writeBigUInt64LE(BigInt(XSDT), RSDP + 24);
  header(XSDT, 'XSDT', 36 + 16);
  b.writeBigUInt64LE(BigInt(FACP), XSDT + 36);
  b.writeBigUInt64LE(BigInt(MADT), XSDT + 44);
  header(FACP, 'FACP', 276);
  b.writeUInt16LE(0x0003, FACP + 129);              // PSCI_COMPLIANT | PSCI_USE_HVC
  let at = MADT + 44;
  const entry = (bytes: number[]) => { for (const x of bytes) b[at++] = x; };
  const u32 = (v: number) => [v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, (v >>> 24) & 0xFF];
  const u64 = (v: bigint) => [...u32(Number(v & 0xFFFF_FFFFn)), ...u32(Number(v >> 32n))];
  const gicc = (flags: number, mpidr: bigint) => { const e = new Array(80).fill(0); e[0] = 0x0B; e[1] = 80; e.splice(12, 4, ...u32(flags)); e.splice(68, 8, ...u64(mpidr)); return e; };
  entry([0, 8, 0, 0x00, ...u32(1)]);               // local APIC id 0, enabled
  entry([0, 8, 1, 0x02, ...u32(0)]);               // id 2, disabled
  entry([0, 8, 2, 0x01, ...u32(1)]);               // id 1
  entry([9, 16, 0, 0, ...u32(0x1_0000), ...u32(1), ...u32(3)]);   // x2APIC id 65536
  entry([9, 16, 0, 0, ...u32(5), ...u32(0), ...u32(4)]);          // x2APIC id 5, disabled
  entry([0, 8, 5, 0x00, ...u32(1)]);               // id 0 again
  entry([5, 12, 0, 0, ...u64(0xFEE0_1000n)]);      // local APIC address override
  entry(gicc(1, 0x100n));                          // Aff1 = 1
  entry(gicc(1, 0x1_8000_0002n));                  // Aff3 = 1, Aff0 = 2, bit 31 (RES1)
  entry(gicc(0, 0x3n));                            // disabled
  entry([0, 0]);                                   // corrupt: ends the walk
  entry([0, 8, 6, 0x07, ...u32(1)]);               // never reached
  header(MADT, 'APIC', at - MADT);
  b.writeUInt32LE(0xFEE0_0000, MADT + 36);
  b.writeUInt32LE(1, MADT + 40);
  return b;
}

const ACPI_EXPECT = [
  'MADT apic 1 0xfee01000 3 2 0 0 2 0x0 0x1 0x10000',
  'MADT gicc 1 0xfee00000 2 1 0 0 0 0x100 0x100000002',
  'FADT 1 0x3',
];

// ---- device trees -------------------------------------------------------------------------

/** QEMU's virt tree for `smp` CPUs, cut to its used size (the header's totalsize patched). */
function qemuDtb(dir: string, smp: number): Buffer {
  const file = path.join(dir, `virt${smp}.dtb`);
  const r = spawnSync('qemu-system-aarch64', ['-M', `virt,dumpdtb=${file}`, '-cpu', 'cortex-a57', '-smp', String(smp), '-m', '256M', '-display', 'none'],
    { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`qemu-system-aarch64 dumpdtb failed: ${r.stderr}`);
  const b = fs.readFileSync(file);
  const used = b.readUInt32BE(12) + b.readUInt32BE(32);    // off_dt_strings + size_dt_strings
  const out = Buffer.from(b.subarray(0, used));
  out.writeUInt32BE(used, 4);
  return out;
}

/** The tree with CPU `n`'s enable-method "psci" turned into "spin". */
function withSpinTable(dtb: Buffer, n: number): Buffer {
  const out = Buffer.from(dtb);
  const node = out.indexOf(Buffer.from(`cpu@${n}\0`, 'ascii'));
  const val = out.indexOf(Buffer.from('psci\0', 'ascii'), node);
  if (node < 0 || val < 0) throw new Error(`no cpu@${n} with an enable-method in the tree`);
  out.write('spin', val, 'ascii');
  return out;
}

function arrayConst(name: string, b: Buffer): string {
  const rows: string[] = [];
  for (let i = 0; i < b.length; i += 32) rows.push('  ' + [...b.subarray(i, i + 32)].join(', ') + ',');
  return `const ${name}: Arr<u8, ${b.length}> = [\n${rows.join('\n')}\n];`;
}

const work = makeTempDir('cpus');
const outputs = new Map<Arch, string>();
let failure = '';

test.before(async () => {
  if (!compilerBuilt()) return;
  try {
    const five = qemuDtb(work, 5);
    const blobs = { ACPI: acpiBlob(), DTB1: qemuDtb(work, 1), DTB5: five, DTB5SPIN: withSpinTable(five, 3) };
    const driver = path.relative(work, path.join(repoRoot, 'tests', 'subset', 'cpus', 'driver')).split(path.sep).join('/');
    const src = [
      '// Generated by tests/cpus/cpus.test.ts.',
      `import { runAcpi, runDtb } from ${JSON.stringify(driver)};`,
      ...Object.entries(blobs).map(([k, v]) => arrayConst(k, v)),
      'export function main(): i32 {',
      `  runAcpi(cast<u8>(addressOf(ACPI)), ${blobs.ACPI.length}, ${RSDP});`,
      ...['DTB1', 'DTB5', 'DTB5SPIN'].map((k) => `  runDtb(cast<u8>(addressOf(${k})), ${blobs[k as keyof typeof blobs].length});`),
      '  return 0;',
      '}',
    ].join('\n') + '\n';
    const main = path.join(work, 'main.ts');
    fs.writeFileSync(main, src);
    await Promise.all((['x86_64', 'aarch64'] as Arch[]).map(async (arch) => {
      const exe = path.join(work, `cpus.${arch}`);
      const c = await compileSubsetAsync(main, { target: `${arch}-linux`, out: exe });
      if (c.status !== 0) { failure += `compile for ${arch} failed:\n${describe(c)}\n`; return; }
      const r = await runExecutableAsync(exe, arch);
      if (r.status !== 0) { failure += `${arch} run failed:\n${describe(r)}\n`; return; }
      outputs.set(arch, r.stdout);
    }));
  } catch (e) {
    failure += String(e);
  }
});

for (const arch of ['x86_64', 'aarch64'] as Arch[]) {
  test(`cpu discovery on ${arch}: MADT (local APIC, x2APIC, GICC), FADT, QEMU device trees`, () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
    assert.is(failure, '', failure);
    const lines = outputs.get(arch)!.trim().split('\n');
    assert.equal(lines.slice(0, 3), ACPI_EXPECT);
    assert.is(lines[3], 'DTB 0 1 0 0 0x0', 'virt -smp 1: one CPU, reg 0');
    assert.is(lines[4], 'DTB 0 5 0 0 0x0 0x1 0x2 0x3 0x4', 'virt -smp 5: five CPUs, reg 0..4');
    assert.is(lines[5], 'DTB 0 4 0 1 0x0 0x1 0x2 0x4', 'cpu@3 with enable-method "spin": unsupported');
  });
}

test.after(() => removeDir(work));
test.run();
