// The UART drivers' register offsets and bits against the datasheets' layouts (the
// independent oracle): a wrong offset that QEMU happens to tolerate (its 16550 modem status
// register reads DSR set, so polling it instead of the line status still "works") would
// overrun a real UART. A subset program prints each constant as the drivers define it.
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileOrThrow, makeTempDir, removeDir, repoRoot, runExecutable } from '../lib/toolchain';

// 16550: PC16550D datasheet, table II (register addresses) and the line status register.
const NS16550: Record<string, number> = {
  REG_DATA: 0, REG_IER: 1, REG_FCR: 2, REG_LCR: 3, REG_MCR: 4, REG_LSR: 5, LSR_THRE: 0x20,
};
// PL011: Arm PrimeCell UART (PL011) TRM, register summary, UARTFR and UARTCR bit fields.
const PL011: Record<string, number> = {
  UARTDR: 0x000, UARTFR: 0x018, UARTCR: 0x030, FR_TXFF: 1 << 5, CR_UARTEN: 1 << 0, CR_TXE: 1 << 8,
};

const dir = makeTempDir('tsboot-uart-layout-');
test.after(() => removeDir(dir));

function driverValues(module: string, names: string[]): Record<string, number> {
  const src = path.join(dir, `${module}.ts`);
  const from = path.relative(dir, path.join(repoRoot, 'common', 'uart', module)).replace(/\\/g, '/');
  fs.writeFileSync(src, [
    `import { ${names.join(', ')} } from "${from}";`,
    'export function main(): i32 {',
    ...names.map((n) => `  println(\`${n}=\${u64(${n})}\`);`),
    '  return 0;',
    '}',
    '',
  ].join('\n'));
  const exe = compileOrThrow(src, 'x86_64-linux', path.join(dir, module));
  const r = runExecutable(exe, 'x86_64');
  assert.is(r.status, 0, r.stderr);
  const out: Record<string, number> = {};
  for (const line of r.stdout.trim().split('\n')) {
    const [k, v] = line.split('=');
    out[k] = Number(v);
  }
  return out;
}

test('16550: register offsets and the THRE bit are the datasheet\'s', () => {
  assert.equal(driverValues('ns16550', Object.keys(NS16550)), NS16550);
});

test('PL011: register offsets and flag bits are the TRM\'s', () => {
  assert.equal(driverValues('pl011', Object.keys(PL011)), PL011);
});

test.run();
