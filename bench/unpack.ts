// The LZMA decoder of the self-extracting loader (loader/unpack/lzma.ts): its code size as
// the loader is built, and the instructions it takes to decode each loader. A report, not
// a test (tests/boot/lzma.test.ts checks that it decodes right).
//
// - Code size: code and constants (every section but .bss) of a UEFI program that calls
//   lzmaDecode with arguments it cannot see through, minus those of the same program
//   without the call, both `tsboot compile -Oz --emit obj` for x86_64-uefi and
//   aarch64-uefi (each function and constant in its own section; the lengths are
//   llvm-objdump-16 -h's).
// - Instructions: callgrind on tests/subset/unlzma built for x86_64-linux with
//   --general-regs-only -Oz (the loader's code generation), decoding the LZMA stream of
//   each boot file's payload (linker/pack.ts: the loader image after its branch filter) as
//   the stub does, minus a run on the same file that stops at the properties check
//   (reading the file, no decoding). The stub's other work (undoing the filter, the check)
//   is not counted.
//
// `node build/js/bench/unpack.js`
import * as fs from 'fs';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exec, firstLine, haveCommand, makeTempDir, mdTable, tsbootCommand } from './bench-util';
import { Arch, ARCHES, archInfo, bootArtifacts, repoRoot } from '../scripts/paths';
import { buildAll } from '../scripts/build';
import { findPayload, PAYLOAD_HEADER_SIZE } from '../linker/pack';

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function compileOrThrow(entry: string, args: string[]): void {
  const [node, tsboot] = tsbootCommand();
  const r = exec(node, [tsboot, 'compile', entry, ...args]);
  if (!r.ok) throw new Error(`tsboot compile ${path.basename(entry)} ${args.join(' ')}: ${r.error}\n${r.stdout}${r.stderr}`);
}

/** The summed lengths of an object's code and initialised data sections (COFF: one per function or constant). */
function imageBytes(obj: string): number {
  const r = exec('llvm-objdump-16', ['-h', obj]);
  if (!r.ok) throw new Error(`llvm-objdump-16 -h ${obj}: ${r.error}`);
  let total = 0;
  for (const m of r.stdout.matchAll(/^\s*\d+\s+\S+\s+([0-9a-fA-F]+)\s+[0-9a-fA-F]+\s+(?:TEXT|DATA)\s*$/gm)) total += parseInt(m[1], 16);
  return total;
}

/** Bytes of code and constants the decoder adds to a -Oz UEFI program of `arch`. */
function decoderBytes(arch: Arch, work: string): number {
  const decoder = path.join(repoRoot(), 'loader', 'unpack', 'lzma');
  // The arguments come from the firmware's two pointers, so nothing is constant-folded.
  const call = `lzmaDecode(u32(addr(st)), cast<u8>(image), addr(st) >> 3, cast<u8>(st), addr(image) >> 5)`;
  const programs = {
    with: `import { lzmaDecode } from ${JSON.stringify(decoder)};\n` +
      `export function main(image: Ptr<void>, st: Ptr<void>): u64 {\n  return ${call};\n}\n`,
    without: `export function main(image: Ptr<void>, st: Ptr<void>): u64 {\n  return addr(st) ^ addr(image);\n}\n`,
  };
  const sizes: Record<string, number> = {};
  for (const [name, src] of Object.entries(programs)) {
    const dir = path.join(work, `${arch}-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'main.ts'), src);
    const obj = path.join(dir, 'main.obj');
    compileOrThrow(path.join(dir, 'main.ts'), ['--target', archInfo(arch).uefiTarget, '-Oz', '--emit', 'obj', '-o', obj]);
    sizes[name] = imageBytes(obj);
  }
  return sizes.with - sizes.without;
}

/** Instructions unlzma executes (callgrind), whether it exits 0 (decoded) or 1 (LZMA_ERROR). */
function instructions(unlzma: string, args: string[], wantStatus: number): number {
  const r = exec('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', unlzma, ...args], { timeoutMs: 300_000 });
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  if (r.status !== wantStatus || !m) throw new Error(`valgrind unlzma ${args.join(' ')}: ${r.error || firstLine(r.stderr)}`);
  return Number(m[1]);
}

/** Instructions to decode the LZMA stream in the boot file of `arch`, and the sizes involved. */
function decodeInstructions(arch: Arch, unlzma: string, work: string): { props: number; out: number; packed: number; instructions: number } {
  const boot = fs.readFileSync(bootArtifacts(arch).loader);
  const p = findPayload(boot);
  const stream = path.join(work, `${arch}.lz`);
  const at = p.offset + PAYLOAD_HEADER_SIZE;
  fs.writeFileSync(stream, boot.subarray(at, at + p.streamSize));
  const full = instructions(unlzma, [String(p.props), stream, String(p.imageSize)], 0);
  const base = instructions(unlzma, ['255', stream], 1);
  return { props: p.props, out: p.imageSize, packed: p.streamSize, instructions: full - base };
}

/** lc/lp/pb of a properties byte. */
function propsText(props: number): string {
  return `${props % 9}/${Math.floor(props / 9) % 5}/${Math.floor(props / 45)}`;
}

export async function runUnpackReport(): Promise<string> {
  for (const tool of ['valgrind', 'llvm-objdump-16']) {
    if (!haveCommand(tool)) throw new Error(`${tool} is not installed (npm run setup installs it)`);
  }
  await buildAll([...ARCHES], { only: 'loader', log: (l) => process.stderr.write(`[unpack] ${l}\n`) });
  const work = makeTempDir('tsboot-unpack-');
  try {
    process.stderr.write('[unpack] compiling the decoder for x86_64-uefi and aarch64-uefi\n');
    const sizeRows = ARCHES.map((arch) => [archInfo(arch).uefiTarget, `${num(decoderBytes(arch, work))} B`]);
    process.stderr.write('[unpack] decoding the boot files\' payloads under callgrind\n');
    const unlzma = path.join(work, 'unlzma');
    compileOrThrow(path.join(repoRoot(), 'tests', 'subset', 'unlzma', 'main.ts'),
      ['--target', 'x86_64-linux', '--general-regs-only', '-Oz', '-o', unlzma]);
    const timeRows = ARCHES.map((arch) => {
      const r = decodeInstructions(arch, unlzma, work);
      return [path.basename(bootArtifacts(arch).loader), propsText(r.props), `${num(r.packed)} B`, `${num(r.out)} B`,
        num(r.instructions), (r.instructions / r.out).toFixed(1)];
    });
    return [
      'LZMA decoder code and constants (-Oz, sections but .bss with the decoder minus without):',
      '',
      mdTable(['target', 'code'], sizeRows, ['l', 'r']),
      '',
      'Decoding the boot files\' payloads (x86_64-linux --general-regs-only -Oz, callgrind):',
      '',
      mdTable(['boot file', 'lc/lp/pb', 'stream', 'loader image', 'instructions', 'per byte'], timeRows, ['l', 'l', 'r', 'r', 'r', 'r']),
    ].join('\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function cliMain(argv: string[]): Promise<number> {
  await yargs(argv)
    .scriptName('node build/js/bench/unpack.js')
    .usage('$0\n\nThe LZMA decoder of the self-extracting loader: its code size at -Oz for the UEFI targets,\n' +
      'and the instructions it takes to decode each boot file\'s payload (callgrind).')
    .strict()
    .help()
    .version(false)
    .parse();
  process.stdout.write(`${await runUnpackReport()}\n`);
  return 0;
}

if (require.main === module) {
  cliMain(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`unpack: ${(e as Error).message ?? e}\n`);
      process.exit(1);
    },
  );
}
