// The atomics' machine code: tests/subset/atomics/codegen.ts (one operation and ordering
// per function) is compiled for x86_64 and aarch64 at -O0 and -O2, its twin codegen.c with
// clang's __atomic builtins at the same level, and the atomic instructions of every
// function are compared: with C's, and with what the architecture manuals prescribe
// (x86_64: `lock` read-modify-write, `xchg` for exchange and seq_cst stores, `mfence`;
// aarch64 ARMv8.0: `ldar`/`stlr`, `ld(a)xr`/`st(l)xr` loops, `dmb`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Arch, Opt, compileSubset, compilerBuilt, describe, makeTempDir, removeDir, repoRoot } from '../lib/toolchain';

const SRC = path.join(repoRoot, 'tests', 'subset', 'atomics', 'codegen.ts');
const C_SRC = path.join(repoRoot, 'tests', 'subset', 'atomics', 'codegen.c');

/** The atomic instructions each function must contain, in order, per architecture. */
const EXPECT: Record<Arch, Record<string, string[]>> = {
  x86_64: {
    at_load_relaxed: [], at_load_acquire: [], at_load_seq_cst: [], at_store_release: [],
    at_store_seq_cst: ['xchgq'],
    at_xchg_acquire: ['xchgl'],
    at_cas64_acq_rel: ['lock cmpxchgq'],
    at_cas8_seq_cst: ['lock cmpxchgb'],
    at_add_relaxed: ['lock xaddq'],
    at_sub16_release: ['lock xaddw'],
    at_or_old_acq_rel: ['lock cmpxchgl'],
    at_or_unused_seq_cst: ['lock orl'],
    at_and_acquire: ['lock cmpxchgq'],
    at_xor_seq_cst: ['lock cmpxchgb'],
    at_fence_acquire: [], at_fence_release: [],
    at_fence_seq_cst: ['mfence'],
  },
  aarch64: {
    at_load_relaxed: [],
    at_load_acquire: ['ldar'], at_load_seq_cst: ['ldar'],
    at_store_release: ['stlr'], at_store_seq_cst: ['stlr'],
    at_xchg_acquire: ['ldaxr', 'stxr'],
    at_cas64_acq_rel: ['ldaxr', 'stlxr', 'clrex'],
    at_cas8_seq_cst: ['ldaxrb', 'stlxrb', 'clrex'],
    at_add_relaxed: ['ldxr', 'stxr'],
    at_sub16_release: ['ldxrh', 'stlxrh'],
    at_or_old_acq_rel: ['ldaxr', 'stlxr'],
    at_or_unused_seq_cst: ['ldaxr', 'stlxr'],
    at_and_acquire: ['ldaxr', 'stxr'],
    at_xor_seq_cst: ['ldaxrb', 'stlxrb'],
    at_fence_acquire: ['dmb ishld'], at_fence_release: ['dmb ish'], at_fence_seq_cst: ['dmb ish'],
  },
};

const ATOMIC_INSN: Record<Arch, RegExp> = {
  x86_64: /^(lock \S+|xchg\w*|mfence|lfence|sfence)$/,
  aarch64: /^(ld\w*xr\w*|st\w*xr\w*|ldar\w*|stlr\w*|dmb \w+|clrex|cas\w*|ldadd\w*|ldclr\w*|ldset\w*|ldeor\w*|swp\w*)$/,
};

/** Function name -> its atomic instructions (mnemonic; `lock` joined to its instruction,
 *  barrier options kept), from `llvm-objdump -d`. */
function atomicInsns(obj: string, arch: Arch): Map<string, string[]> {
  const r = spawnSync('llvm-objdump-16', ['-d', '--no-show-raw-insn', obj], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`llvm-objdump-16 failed: ${r.stderr}`);
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  let lock = false;
  for (const line of r.stdout.split('\n')) {
    const fn = /^[0-9a-f]+ <([^>]+)>:$/.exec(line);
    if (fn) { cur = []; out.set(fn[1], cur); lock = false; continue; }
    const m = /^\s+[0-9a-f]+:\s+(.*)$/.exec(line);
    if (!m || !cur) continue;
    const words = m[1].split(/\s+/).filter(Boolean);
    if (words[0] === 'lock' && words.length === 1) { lock = true; continue; }
    let insn = words[0] === 'lock' ? `lock ${words[1]}` : words[0];
    if (lock) { insn = `lock ${insn}`; lock = false; }
    if (insn === 'dmb') insn = `dmb ${words[1]}`;
    if (ATOMIC_INSN[arch].test(insn)) cur.push(insn);
  }
  return out;
}

/** The kind of an atomic instruction, without its ordering strength. */
function family(arch: Arch, insn: string): string {
  if (arch === 'x86_64') return insn.startsWith('lock ') ? 'lock' : insn.replace(/[bwlq]$/, '');
  if (insn.startsWith('dmb')) return 'dmb';
  return insn.replace(/^ld(a?)xr/, 'ldxr').replace(/^st(l?)xr/, 'stxr');
}

const work = makeTempDir('atomics');
const ARCHES: Arch[] = ['x86_64', 'aarch64'];
const OPTS: Opt[] = ['O0', 'O2'];

for (const arch of ARCHES) {
  for (const opt of OPTS) {
    test(`atomics: ${arch} -${opt} uses the prescribed instructions, the same as C`, () => {
      assert.ok(compilerBuilt(), 'the compiler is not built; run npx tsc -b');
      const obj = path.join(work, `codegen.${arch}.${opt}.o`);
      const r = compileSubset(SRC, { target: `${arch}-linux`, opt, out: obj, emit: 'obj' });
      assert.is(r.status, 0, `compile failed:\n${describe(r)}`);
      const cObj = path.join(work, `codegen.${arch}.${opt}.c.o`);
      const c = spawnSync('clang-16', ['-c', `-${opt}`, '-ffreestanding', '-target', `${arch}-unknown-linux-gnu`, C_SRC, '-o', cObj], { encoding: 'utf8' });
      assert.is(c.status, 0, `clang-16 failed on the C twin:\n${c.stderr}`);
      const ours = atomicInsns(obj, arch);
      const theirs = atomicInsns(cObj, arch);
      for (const [fn, want] of Object.entries(EXPECT[arch])) {
        const got = ours.get(fn);
        assert.ok(got, `${fn} is missing from the object`);
        const show = `${fn} on ${arch} -${opt}: tsboot ${JSON.stringify(got)}, C ${JSON.stringify(theirs.get(fn))}, manual ${JSON.stringify(want)}`;
        if (opt === 'O2') {
          assert.equal(got, theirs.get(fn), show);
          assert.equal(got, want, show);
        } else {
          // -O0 skips the optimisations that pick the weakest sufficient instruction
          // (aarch64 may use stlxr for stxr and leaves out the clrex of a failed
          // compare-exchange; x86 may use a cmpxchg loop for `lock or`), for C too: the
          // kinds of instruction must still be the prescribed ones.
          const kinds = (l: string[]) => [...new Set(l.filter((i) => i !== 'clrex').map((i) => family(arch, i)))].sort();
          assert.equal(kinds(got!), kinds(want), show);
        }
      }
    });
  }
}

test.after(() => removeDir(work));
test.run();
