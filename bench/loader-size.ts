// Where the boot file's bytes go (headers, the unpack stub, the loader compressed:
// linker/pack.ts), and the loader's: the image's sections (as built, scripts/build.ts) and
// its code per source module. Inlining spreads a function over its callers, so the per-module
// figures come from an analysis build of the same IR with every function kept out of line
// (`noinline` added to each definition, the same clang -Oz and lld-link as the real
// build): each function is then its own symbol in lld-link's map, and a module's code is
// the sum of its functions. Those sums add up to more than the real .text (inlining saves
// calls), but they say which modules hold the code. A report, not a test.
//
// `node build/js/bench/loader-size.js [--arch x86_64|aarch64|all]`
import * as fs from 'fs';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exec, makeTempDir, mdTable } from './bench-util';
import { compile } from '../toolchain/src/driver';
import { findTools } from '../toolchain/src/link/tools';
import { getTarget } from '../toolchain/src/targets';
import { PE_FILE_ALIGNMENT } from '../linker/lld';
import { findPayload, PAYLOAD_HEADER_SIZE } from '../linker/pack';
import { Arch, ARCHES, archInfo, bootArtifacts, repoRoot } from '../scripts/paths';
import { buildAll } from '../scripts/build';

interface Section { name: string; rawSize: number; virtualSize: number }

/** The section table of a PE image (llvm-readobj-16 --sections). */
function sections(file: string): Section[] {
  const r = exec('llvm-readobj-16', ['--sections', file]);
  if (!r.ok) throw new Error(`llvm-readobj-16 failed on ${file}: ${r.stderr}`);
  const out: Section[] = [];
  for (const block of r.stdout.split('Section {').slice(1)) {
    const name = /Name: (\S+)/.exec(block)?.[1] ?? '?';
    const rawSize = Number(/RawDataSize: (\d+)/.exec(block)?.[1] ?? 0);
    const virtualSize = Number(/VirtualSize: (0x[0-9A-Fa-f]+)/.exec(block)?.[1] ?? 0);
    out.push({ name, rawSize, virtualSize });
  }
  return out;
}

/** Every definition of the IR marked noinline (a new attribute group per group it used). */
function allOutOfLine(ir: string): string {
  const groups = new Map<string, string>();
  for (const m of ir.matchAll(/^attributes #(\d+) = \{ (.*) \}$/gm)) groups.set(m[1], m[2]);
  const extra: string[] = [];
  const renamed = new Map<string, string>();
  const next = Math.max(...[...groups.keys()].map(Number)) + 1;
  const body = ir.replace(/^(define [^\n]*\) )#(\d+)( [^\n]*)?\{$/gm, (line, head: string, g: string, tail = '') => {
    const attrs = groups.get(g) ?? '';
    if (/\b(noinline|alwaysinline|naked)\b/.test(attrs)) return line;
    let n = renamed.get(g);
    if (!n) {
      n = String(next + renamed.size);
      renamed.set(g, n);
      extra.push(`attributes #${n} = { ${attrs} noinline }`);
    }
    return `${head}#${n}${tail}{`;
  });
  return `${body}\n${extra.join('\n')}\n`;
}

/** Bytes of .text per source module, from an lld-link map (symbol addresses in order). */
function perModule(map: string, textSize: number): Map<string, number> {
  const syms: [number, string][] = [];
  for (const m of map.matchAll(/^\s*0001:([0-9a-f]+)\s+(\S+)\s+[0-9a-f]+/gm)) syms.push([parseInt(m[1], 16), m[2]]);
  syms.sort((a, b) => a[0] - b[0]);
  const out = new Map<string, number>();
  syms.forEach(([at, name], i) => {
    const size = (i + 1 < syms.length ? syms[i + 1][0] : textSize) - at;
    // Internal symbols are `<module path relative to loader/>.<function>`; the others have
    // C names (memset, memcpy, efi_main, tsboot_main, ...).
    const dot = name.lastIndexOf('.');
    const rel = dot > 0 ? name.slice(0, dot) : '';
    let mod = `loader/${rel}.ts`;
    if (rel === '') mod = '(C-named symbols: memset, memcpy, efi_main, tsboot_main, ...)';
    else if (rel.startsWith('../')) mod = `${rel.replace(/^(\.\.\/)+/, '')}.ts`;
    else if (rel.startsWith('std/')) mod = `toolchain/${rel}.ts`;
    out.set(mod, (out.get(mod) ?? 0) + size);
  });
  return out;
}

/** The boot file's parts: headers, the stub's code and constants, the payload. */
function bootFileReport(arch: Arch): string {
  const art = bootArtifacts(arch);
  const file = fs.readFileSync(art.loader);
  const secs = sections(art.loader);
  const headers = file.length - secs.reduce((a, s) => a + s.rawSize, 0);
  const p = findPayload(file);
  const text = secs.find((s) => s.name === '.text');
  const stub = (text?.rawSize ?? 0) - PAYLOAD_HEADER_SIZE - p.streamSize;
  const fmt = (n: number) => n.toLocaleString('en-US');
  return [
    `#### ${arch}: the boot file ${path.basename(art.loader)}, ${fmt(file.length)} B (goal ≤ 32,768 B)`,
    '',
    mdTable(['part', 'bytes in the file'], [
      ['headers (MS-DOS header, PE headers, section table)', fmt(headers)],
      ['the unpack stub: code, constants, padding (loader/unpack/)', fmt(stub)],
      ['payload header', fmt(PAYLOAD_HEADER_SIZE)],
      [`the loader, ${fmt(p.imageSize)} B, as LZMA (${(p.streamSize / p.imageSize * 100).toFixed(1)} %)`, fmt(p.streamSize)],
    ], ['l', 'r']),
  ].join('\n');
}

async function sizeReport(arch: Arch, work: string): Promise<string> {
  const image = bootArtifacts(arch).loaderImage;
  const secs = sections(image);
  const total = fs.statSync(image).size;
  const headers = total - secs.reduce((a, s) => a + s.rawSize, 0);
  const ll = path.join(work, `loader-${arch}.ll`);
  const target = archInfo(arch).uefiTarget;
  const r = await compile({ entry: path.join(repoRoot(), 'loader', 'main.ts'), target, output: ll, emit: 'll', optLevel: 'z' });
  if (!r.ok) throw new Error(`cannot compile the ${arch} loader`);
  const split = path.join(work, `split-${arch}.ll`);
  fs.writeFileSync(split, allOutOfLine(fs.readFileSync(ll, 'utf8')));
  const tools = findTools();
  const obj = path.join(work, `split-${arch}.o`);
  const t = getTarget(target);
  const c = exec(tools.clang, ['-c', '-Oz', '-target', t.triple, ...t.clangFlags, '-Wno-override-module', split, '-o', obj]);
  if (!c.ok) throw new Error(`clang failed: ${c.stderr}`);
  const efi = path.join(work, `split-${arch}.efi`);
  const mapFile = path.join(work, `split-${arch}.map`);
  const l = exec(tools.lldLink, ['/subsystem:efi_application', '/entry:efi_main', '/nodefaultlib',
    `/machine:${arch === 'x86_64' ? 'x64' : 'arm64'}`, '/opt:ref', '/opt:icf', `/filealign:${PE_FILE_ALIGNMENT}`, `/out:${efi}`,
    `/map:${mapFile}`, obj]);
  if (!l.ok) throw new Error(`lld-link failed: ${l.stderr}`);
  const splitText = sections(efi).find((s) => s.name === '.text')?.virtualSize ?? 0;
  const mods = [...perModule(fs.readFileSync(mapFile, 'utf8'), splitText)].sort((a, b) => b[1] - a[1]);
  const fmt = (n: number) => n.toLocaleString('en-US');
  return [
    bootFileReport(arch),
    '',
    `#### ${arch}: the loader it holds, ${path.basename(image)}, ${fmt(total)} B`,
    '',
    mdTable(['part', 'bytes in the file'], [
      ['headers (DOS stub, PE headers, section table)', fmt(headers)],
      ...secs.map((s) => [
        `${s.name}${s.name === '.data' ? ` (in memory ${fmt(s.virtualSize)}: zero-initialised globals)` : ''}`, fmt(s.rawSize),
      ]),
    ], ['l', 'r']),
    '',
    `Code per module with every function out of line (${fmt(splitText)} B in all, against ` +
      `${fmt(secs.find((s) => s.name === '.text')?.rawSize ?? 0)} B inlined):`,
    '',
    mdTable(['module', 'code (B)'], mods.map(([m, n]) => [m, fmt(n)]), ['l', 'r']),
  ].join('\n');
}

export async function runLoaderSizeReport(arches: readonly Arch[]): Promise<string> {
  await buildAll([...arches], { log: (l) => process.stderr.write(`[loader-size] ${l}\n`) });
  const work = makeTempDir('tsboot-loader-size-');
  try {
    const parts: string[] = [];
    for (const arch of arches) parts.push(await sizeReport(arch, work));
    return parts.join('\n\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function cliMain(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('node build/js/bench/loader-size.js')
    .usage('$0 [--arch x86_64|aarch64|all]\n\nWhere the boot file\'s bytes go (headers, the unpack stub, the compressed loader), ' +
      'and the loader image\'s: its sections, and its code per source module.')
    .option('arch', { choices: [...ARCHES, 'all'] as const, default: 'all' as const, describe: 'architecture' })
    .strict()
    .help()
    .version(false)
    .parse();
  const arches = args.arch === 'all' ? [...ARCHES] : [args.arch as Arch];
  process.stdout.write(`${await runLoaderSizeReport(arches)}\n`);
  return 0;
}

if (require.main === module) {
  cliMain(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`loader-size: ${(e as Error).message ?? e}\n`);
      process.exit(1);
    },
  );
}
