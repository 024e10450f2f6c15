// Template-literal output against C's printf. A seeded generator writes one subset program
// of random template literals (every directive: signed and unsigned decimal at every width,
// bool, cstr, wstr, pointers, enums, nested Fmt, hex(x), hex(x, w), dec(x, w), size, chr;
// values in variables and constants folded by the compiler)
// and the same lines as a C program that prints them with the host C library's printf
// (%llu/%lld, %#0*llx-style hex, %*lld, %c, %s). The subset program runs on x86_64 and
// aarch64 (qemu-aarch64) at -O0 and -O2; every output must equal the C output byte for byte.
//
// TSBOOT_FMT_SEED=n picks another program (the default seed is fixed, so failures repeat).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import {
  Arch, Opt, compileSubsetAsync, compilerBuilt, describe, makeTempDir, removeDir, runExecutableAsync, RunResult,
} from '../lib/toolchain';

const seed = Number(process.env.TSBOOT_FMT_SEED ?? 12);
const LINES = 120;

/** xorshift64*: the same program for the same seed. */
function rng(s: number): () => bigint {
  let x = BigInt(s) * 0x9E3779B97F4A7C15n & 0xFFFF_FFFF_FFFF_FFFFn || 1n;
  return () => {
    x ^= x >> 12n; x ^= (x << 25n) & 0xFFFF_FFFF_FFFF_FFFFn; x ^= x >> 27n;
    return (x * 0x2545F4914F6CDD1Dn) & 0xFFFF_FFFF_FFFF_FFFFn;
  };
}

interface IntT { name: string; bits: number; signed: boolean; c: string }
const INTS: IntT[] = [
  { name: 'u8', bits: 8, signed: false, c: 'unsigned char' }, { name: 'u16', bits: 16, signed: false, c: 'unsigned short' },
  { name: 'u32', bits: 32, signed: false, c: 'unsigned int' }, { name: 'u64', bits: 64, signed: false, c: 'unsigned long long' },
  { name: 'i8', bits: 8, signed: true, c: 'signed char' }, { name: 'i16', bits: 16, signed: true, c: 'short' },
  { name: 'i32', bits: 32, signed: true, c: 'int' }, { name: 'i64', bits: 64, signed: true, c: 'long long' },
];
const ENUM = ['Idle', 'Run', 'Stop'];
const ENUM_VALUES = [0n, 7n, 0x8000_0000n];
const WIDE = ['', 'abc', 'grüße', '€ sign', 'pair 😀 end'];

interface Program { subset: string; c: string }

/** One program: each line a template literal and the printf call that prints the same. */
function generate(s: number): Program {
  const next = rng(s);
  const pick = <T>(a: T[]): T => a[Number(next() % BigInt(a.length))];
  const decls: string[] = [], cdecls: string[] = [], lines: string[] = [], clines: string[] = [];
  let vars = 0;
  // A value of an integer type: edge values half of the time.
  const intValue = (t: IntT): bigint => {
    const min = t.signed ? -(1n << BigInt(t.bits - 1)) : 0n;
    const max = t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
    const edges = [min, max, 0n, 1n, t.signed ? -1n : max - 1n, 10n, 99n, 100n];
    if (next() % 2n === 0n) return pick(edges);
    const raw = next() >> BigInt(Number(next() % 64n));
    return t.signed ? BigInt.asIntN(t.bits, raw) : BigInt.asUintN(t.bits, raw);
  };
  // A third of the integer values are written as constants in the template itself, which
  // the compiler formats at compile time; the rest are variables, formatted at run time.
  let inline = false;
  const local = (type: string, ctype: string, v: string, cv: string): [string, string] => {
    const n = `v${vars++}`;
    if (inline && type !== 'bool') return [v.startsWith(type + '(') ? v : `${type}(${v})`, cv];
    decls.push(`  let ${n}: ${type} = ${v};`);
    cdecls.push(`  volatile ${ctype} ${n} = ${cv};`);
    return [n, n];
  };
  const lit = (): string => {
    const chars = 'abc XYZ:=,;-_+#()[]01';
    let out = '';
    const n = Number(next() % 6n);
    for (let i = 0; i < n; i++) out += chars[Number(next() % BigInt(chars.length))];
    return out;
  };
  /** One substitution: [template text, printf format, printf arguments]. */
  const piece = (): [string, string, string[]] => {
    const kind = Number(next() % 13n);
    inline = kind <= 4 && next() % 3n === 0n;
    const t = pick(INTS);
    const v = intValue(t);
    const cv = (x: bigint) => (t.signed ? `(${t.c})${x}LL` : `(${t.c})${x}ULL`);
    const subsetLit = (x: bigint) => (x < 0n ? `${t.name}(${x})` : `${x}`);
    switch (kind) {
      case 0: case 1: {
        const [n, c] = local(t.name, t.c, subsetLit(v), cv(v));
        return [`\${${n}}`, t.signed ? '%lld' : '%llu', [t.signed ? `(long long)${c}` : `(unsigned long long)${c}`]];
      }
      case 2: {
        const [n, c] = local(t.name, t.c, subsetLit(v), cv(v));
        const u = `(unsigned long long)(${t.signed ? `unsigned ${t.c.replace('signed ', '')}` : t.c})${c}`;
        return [`\${hex(${n})}`, '0x%llx', [u]];
      }
      case 3: {
        const [n, c] = local(t.name, t.c, subsetLit(v), cv(v));
        const w = 1 + Number(next() % 16n);
        const u = `(unsigned long long)(${t.signed ? `unsigned ${t.c.replace('signed ', '')}` : t.c})${c}`;
        return [`\${hex(${n}, ${w})}`, `0x%0${w}llx`, [u]];
      }
      case 4: {
        const [n, c] = local(t.name, t.c, subsetLit(v), cv(v));
        const w = 1 + Number(next() % 24n);
        return [`\${dec(${n}, ${w})}`, t.signed ? `%${w}lld` : `%${w}llu`,
          [t.signed ? `(long long)${c}` : `(unsigned long long)${c}`]];
      }
      case 5: {
        const b = next() % 2n === 0n;
        const [n, c] = local('bool', 'int', String(b), b ? '1' : '0');
        return [`\${${n}}`, '%s', [`${c} ? "true" : "false"`]];
      }
      case 6: {
        const shift = pick([0n, 10n, 20n, 30n]);
        const mult = pick([0n, 1n, 3n, 1023n, 1024n, 1025n, 4096n]);
        const bytes = BigInt.asUintN(64, mult << shift) + (next() % 4n === 0n ? 1n : 0n);
        const [n, c] = local('u64', 'unsigned long long', `${bytes}`, `${bytes}ULL`);
        return [`\${size(${n})}`, '%s', [`size_text(${c})`]];
      }
      case 7: {
        const ch = 32 + Number(next() % 95n);
        const [n, c] = local('u8', 'unsigned char', `${ch}`, `${ch}`);
        return [`\${chr(${n})}`, '%c', [c]];
      }
      case 8: {
        const a = BigInt.asUintN(64, next());
        const [n, c] = local('Ptr<u8>', 'unsigned long long', `ptr<u8>(${a})`, `${a}ULL`);
        return [`\${${n}}`, '0x%016llx', [c]];
      }
      case 9: {
        const i = Number(next() % 4n);
        const value = i < 3 ? `Mode.${ENUM[i]}` : '5 as Mode';
        const [n, c] = local('Mode', 'unsigned int', value, i < 3 ? `${ENUM_VALUES[i]}U` : '5U');
        return [`\${${n}}`, '%s', [`mode_text(${c})`]];
      }
      case 10: {
        const w = pick(WIDE);
        const [n] = local('wstr', 'int', JSON.stringify(w), '0');
        return [`\${${n}}`, '%s', [JSON.stringify(w)]];
      }
      case 11: {
        const text = pick(['', 'plain', 'x=1;y=2', '100%', WIDE[2]]);
        const [n] = local('cstr', 'int', JSON.stringify(text), '0');
        return [`\${${n}}`, '%s', [JSON.stringify(text).replace(/%/g, '%%').replace(/%%/g, '%')]];
      }
      default: {
        // A Fmt argument: the line goes through a sink of its own that takes this message
        // as a Fmt parameter and formats it inside its template.
        const [n, c] = local('u32', 'unsigned int', `${v & 0xFFFFn}`, `${v & 0xFFFFn}U`);
        nested.push(`\`nest[\${${n}}]\``);
        return ['\u0000', 'nest[%u]', [c]];
      }
    }
  };
  const sinks: string[] = [];
  let nested: string[] = [];
  for (let i = 0; i < LINES; i++) {
    nested = [];
    let text = lit(), fmt = text;
    const args: string[] = [];
    const n = 1 + Number(next() % 4n);
    for (let k = 0; k < n; k++) {
      const [t, f, a] = piece();
      const l = lit();
      text += t + l;
      fmt += f + l;
      args.push(...a);
    }
    if (nested.length === 0) {
      lines.push(`  show(\`${text}\`);`);
    } else {
      // The line's text around each Fmt argument, and the arguments, all passed as Fmt to
      // a sink that formats them in one template.
      const segs = text.split('\u0000').map((t) => `\`${t}\``);
      const args = segs.flatMap((t, k) => (k < nested.length ? [t, nested[k]] : [t]));
      sinks.push(`function line${i}(${args.map((_, k) => `m${k}: Fmt`).join(', ')}): void `
        + `{ show(\`${args.map((_, k) => `\${m${k}}`).join('')}\`); }`);
      lines.push(`  line${i}(${args.join(', ')});`);
    }
    clines.push(`  printf("${fmt}\\n"${args.map((a) => ', ' + a).join('')});`);
  }
  const subset = [
    '// Generated by tests/compiler/format.test.ts.',
    `enum Mode { ${ENUM.map((m, i) => `${m} = ${ENUM_VALUES[i]}`).join(', ')} }`,
    'function show(msg: Fmt): void { println(msg); }',
    ...sinks,
    'export function main(): i32 {',
    ...decls, ...lines, '  return 0;', '}', '',
  ].join('\n');
  const c = [
    '#include <stdio.h>',
    'static const char *mode_text(unsigned v) {',
    `  static char buf[32];`,
    ...ENUM.map((m, i) => `  if (v == ${ENUM_VALUES[i]}U) return "${m}";`),
    '  snprintf(buf, sizeof buf, "Mode(%u)", v); return buf;',
    '}',
    '/* The subset\'s size(): the largest of B/KiB/MiB/GiB that divides the count exactly. */',
    'static const char *size_text(unsigned long long v) {',
    '  static char buf[8][48]; static int k; char *b = buf[k++ & 7];',
    '  if (v && !(v & 0x3FFFFFFFULL)) snprintf(b, 48, "%llu GiB", v >> 30);',
    '  else if (v && !(v & 0xFFFFFULL)) snprintf(b, 48, "%llu MiB", v >> 20);',
    '  else if (v && !(v & 0x3FFULL)) snprintf(b, 48, "%llu KiB", v >> 10);',
    '  else snprintf(b, 48, "%llu B", v);',
    '  return b;',
    '}',
    'int main(void) {',
    ...cdecls, ...clines, '  return 0;', '}', '',
  ].join('\n');
  return { subset, c };
}


const work = makeTempDir('fmt');
const prog = generate(seed);
const subsetFile = path.join(work, 'fmt.ts');
const cFile = path.join(work, 'fmt.c');
fs.writeFileSync(subsetFile, prog.subset);
fs.writeFileSync(cFile, prog.c);

let oracle: RunResult | undefined;
const results = new Map<string, { compile: RunResult; run: RunResult | null }>();
const combos: [Arch, Opt][] = [['x86_64', 'O0'], ['x86_64', 'O2'], ['aarch64', 'O0'], ['aarch64', 'O2']];

test.before(async () => {
  if (!compilerBuilt()) return;
  // The oracle: the host's C library printf (x86_64 glibc); its text is the same on any host.
  const exe = path.join(work, 'fmt-c');
  const cc = spawnSync('clang-16', ['-O0', '-w', cFile, '-o', exe], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`clang-16 failed on the printf oracle:\n${cc.stderr}`);
  const r = spawnSync(exe, [], { encoding: 'utf8' });
  oracle = { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timedOut: false, ms: 0 } as RunResult;
  await Promise.all(combos.map(async ([arch, opt]) => {
    const out = path.join(work, `fmt.${arch}.${opt}`);
    const compile = await compileSubsetAsync(subsetFile, { target: `${arch}-linux`, opt, out });
    results.set(`${arch}-${opt}`, { compile, run: compile.status === 0 ? await runExecutableAsync(out, arch) : null });
  }));
});

for (const [arch, opt] of combos) {
  test(`template literals print what printf prints (${LINES} lines, seed ${seed}) on ${arch} -${opt}`, () => {
    assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b tsconfig.json');
    assert.is(oracle!.status, 0, `the C oracle failed:\n${describe(oracle!)}`);
    const r = results.get(`${arch}-${opt}`)!;
    if (!r.run) assert.unreachable(`compile failed (program kept in ${subsetFile}):\n${describe(r.compile)}`);
    assert.is(r.run!.status, 0, describe(r.run!));
    const want = oracle!.stdout.split('\n'), got = r.run!.stdout.split('\n');
    const i = want.findIndex((l, k) => l !== got[k]);
    if (i >= 0 || want.length !== got.length) {
      const k = i >= 0 ? i : Math.min(want.length, got.length);
      const src = prog.subset.split('\n').filter((l) => /^\s*(show|line\d+)\(/.test(l))[k] ?? '';
      assert.unreachable(`line ${k + 1} differs:\n  printf: ${JSON.stringify(want[k])}\n  tsboot: ${JSON.stringify(got[k])}\n`
        + `  source: ${src.trim()}\n(seed ${seed})`);
    }
  });
}

test.after(() => removeDir(work));
test.run();
