// `npm run qemu:x86_64` / `npm run qemu:aarch64`: build the loader and kernel (incremental),
// put them on an ESP, boot QEMU with UEFI firmware (EDK2's OVMF/AAVMF or U-Boot), stream the
// serial log live, print the timing summary and exit 0 only when the verdict is PASS:
// `[kernel] PASS` from tsboot's kernel, or `[init] PASS` from the test initramfs under Linux.
//
// `--entry <name>` picks a boot.cfg entry in the loader's menu by typing on the serial
// console (the harness's `choose` key step). Without `--cfg` the ESP then holds
// docs/examples/boot.cfg and everything it names: tsboot's kernel, Debian's kernel and the
// test initramfs (qemu/linux.ts), so `--entry linux` boots Debian's kernel to /init.
//
//   node build/js/qemu/boot.js --arch x86_64 [--firmware edk2|uboot|edk2-2m|edk2-secboot]
//        [--machine q35|pc] [--disk-bus default|virtio|nvme|usb] [--memory 256M] [--smp 1]
//        [--kvm] [--timeout 120] [--gdb] [--cpu MODEL] [--no-build] [--cfg FILE] [--entry NAME]
//        [--serial-log FILE]
//        [--qemu-arg ARG ...]
import * as fs from 'fs';
import * as path from 'path';
import yargs from 'yargs';
import { buildArch, BuildError } from '../scripts/build';
import { buildEsp, EspFile } from '../scripts/esp';
import { Arch, ARCHES, archBuildDir, archInfo, bootArtifacts, displayPath } from '../scripts/paths';
import { debianKernel, exampleCfgPath, exampleEspFiles, LINUX_ESP } from './linux';
import { bootEsp, bootOptions, isUserFacingError } from './session';

function parseArgs() {
  return bootOptions(yargs(process.argv.slice(2)))
    .scriptName('qemu')
    .usage(
      '$0 --arch <x86_64|aarch64> [options]\n\n' +
        'Builds the loader and kernel, boots them in QEMU with UEFI firmware, streams the serial ' +
        'log and exits 0 only when the kernel prints `[kernel] PASS` (or, under Linux, /init ' +
        'prints `[init] PASS`). Without --cfg, --entry boots an entry of docs/examples/boot.cfg, ' +
        'whose files (tsboot\'s kernel, Debian\'s kernel, the test initramfs) go on the ESP.',
    )
    .option('arch', { choices: ARCHES as Arch[], demandOption: true, describe: 'guest architecture' })
    .option('debug', { alias: 'g', type: 'boolean', default: false, describe: 'build with debug info (-g)' })
    .option('build', { type: 'boolean', default: true, describe: 'build first (--no-build boots the existing images)' })
    .strict()
    .version(false)
    .help()
    .parseSync();
}

async function main(): Promise<number> {
  const argv = parseArgs();
  const arch = argv.arch;
  const info = archInfo(arch);
  const art = bootArtifacts(arch);
  const say = (s: string) => console.log(`qemu: ${s}`);

  if (argv.build) await buildArch(arch, { debug: argv.debug || undefined });
  for (const f of [art.loader, art.kernel]) {
    if (!fs.existsSync(f)) throw new BuildError(`${displayPath(f)} does not exist; run without --no-build (or \`npm run build\`)`);
  }

  let files: EspFile[] = [
    { hostPath: art.loader, espPath: `/EFI/BOOT/${info.efiBootName}` },
    { hostPath: art.kernel, espPath: `/tsboot/kernel-${arch}.elf` },
  ];
  const esp = path.join(archBuildDir(arch), 'esp.img');
  if (argv.entry !== undefined && !argv.cfg) {
    const dir = path.join(archBuildDir(arch), 'example-esp');
    fs.mkdirSync(dir, { recursive: true });
    files = exampleEspFiles(arch, dir);
    say(`ESP from ${displayPath(exampleCfgPath())}; Linux: ${debianKernel(arch).pkg}`);
    buildEsp(esp, files, LINUX_ESP);
  } else {
    if (argv.cfg) files.push({ hostPath: path.resolve(argv.cfg), espPath: '/tsboot/boot.cfg' });
    buildEsp(esp, files, argv.entry !== undefined ? LINUX_ESP : {});
  }
  say(`ESP ${displayPath(esp)}: ${files.map((f) => f.espPath).join(', ')}`);
  const result = await bootEsp(arch, esp, argv, { elf: art.kernel, loader: art.loader }, 'qemu');
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    // User-facing failures (missing firmware, build errors, mtools errors) without a stack.
    console.error(`qemu: ${isUserFacingError(e) ? e.message : e.stack ?? e.message}`);
    process.exit(1);
  },
);
