#!/usr/bin/env node
// tsboot setup: makes a fresh Debian 12 machine able to build, boot and test tsboot.
//
// Plain CommonJS with no dependencies on purpose: it runs before node_modules exists
// (npm's pre* hooks call it before every build/test/qemu command), so it must also be
// fast when nothing is missing. Steps:
//   1. Debian packages (QEMU, firmware, mtools, LLVM 16, ...): install the missing ones
//      when running as root, otherwise print the exact sudo command and exit 1.
//   2. `npm ci` when node_modules is missing or older than package-lock.json.
//   3. The Node-side TypeScript (`tsc -b tsconfig.json`, incremental) into build/js.
//   4. Debian's Linux kernels (DEBIAN_KERNEL_ABI below) into build/linux/<arch>/vmlinuz,
//      for the loader's `linux` protocol tests: fetched once, kept there, never committed.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

// What tsboot needs from Debian, and which package provides it. A requirement is met when
// the command is on PATH (or the file exists). The order is the install order shown to the
// user; the package names are Debian 12's. `project`: also needed in a project made with
// `tsboot new` (compile and `tsboot run`; `tsboot setup` installs those), for one
// architecture (`arch`) or both.
const REQUIREMENTS = [
  { pkg: 'qemu-system-x86', cmd: 'qemu-system-x86_64', why: 'boots the x86_64 loader and kernel', project: true, arch: 'x86_64' },
  { pkg: 'qemu-system-arm', cmd: 'qemu-system-aarch64', why: 'boots the aarch64 loader and kernel', project: true, arch: 'aarch64' },
  { pkg: 'qemu-user', cmd: 'qemu-aarch64', why: 'runs aarch64-linux test programs' },
  { pkg: 'ovmf', file: '/usr/share/OVMF/OVMF_CODE_4M.fd', why: 'x86_64 UEFI firmware', project: true, arch: 'x86_64' },
  { pkg: 'qemu-efi-aarch64', file: '/usr/share/AAVMF/AAVMF_CODE.fd', why: 'aarch64 UEFI firmware', project: true, arch: 'aarch64' },
  { pkg: 'u-boot-qemu', file: '/usr/lib/u-boot/qemu_arm64/u-boot.bin', why: "U-Boot's UEFI, the second firmware (x86_64 and aarch64)" },
  { pkg: 'mtools', cmd: 'mformat', why: 'writes FAT ESP images', project: true },
  { pkg: 'mtools', cmd: 'mcopy', why: 'writes FAT ESP images', project: true },
  { pkg: 'dosfstools', cmd: 'mkfs.fat', why: 'FAT file systems for disk images' },
  { pkg: 'fdisk', cmd: 'sfdisk', why: 'partition tables for disk images' },
  { pkg: 'clang-16', cmd: 'clang-16', why: 'compiles the generated LLVM IR', project: true },
  { pkg: 'lld-16', cmd: 'ld.lld-16', why: 'links ELF kernels and Linux programs', project: true },
  { pkg: 'lld-16', cmd: 'lld-link-16', why: 'links PE32+ EFI applications', project: true },
  { pkg: 'llvm-16', cmd: 'llvm-objdump-16', why: 'inspects objects in tests' },
  { pkg: 'llvm-16', cmd: 'llvm-dwarfdump-16', why: 'reads the line tables of -g builds in tests' },
  { pkg: 'gdb', cmd: 'gdb', why: 'reads -g builds in tests; `npm run qemu:<arch> -- --gdb` debugs a boot' },
  { pkg: 'valgrind', cmd: 'valgrind', why: 'measures benchmarks' },
  { pkg: 'xz-utils', cmd: 'xz', why: 'compresses the loader into its self-extracting boot file (npm run build), and is the oracle its LZMA decoder is tested against' },
  { pkg: 'cpio', cmd: 'cpio', why: 'reads back the test initramfs archives (an independent cpio reader)' },
  { pkg: 'mount', file: '/sbin/losetup', why: "loop devices for the USB writer's block-device tests (as root)" },
  { pkg: 'e2fsprogs', file: '/sbin/mkfs.ext2', why: "a file system to mount in the USB writer's block-device tests" },
  { pkg: 'console-setup-linux', file: '/usr/share/consolefonts/Uni2-Terminus16.psf.gz', why: 'the Terminus font that tests check common/fbcon/font.generated.ts against' },
];

/** What a `tsboot new` project needs to compile and boot on `arch` (both when omitted). */
function projectRequirements(arch) {
  return REQUIREMENTS.filter((r) => r.project && (!arch || !r.arch || r.arch === arch));
}

// Debian's own Linux kernels (EFI-stub images) that the loader's `linux` protocol is tested
// with: the newest 6.1 ABI Debian 12 carried when this line was last changed. Debian drops
// old ABIs from its archive; when `apt-get download` no longer finds this one, set the
// newest from `apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$'`.
const DEBIAN_KERNEL_ABI = '6.1.0-57';
const KERNELS = [
  { arch: 'x86_64', debArch: 'amd64', pkg: `linux-image-${DEBIAN_KERNEL_ABI}-amd64` },
  { arch: 'aarch64', debArch: 'arm64', pkg: `linux-image-${DEBIAN_KERNEL_ABI}-arm64:arm64` },
];

function usage() {
  return [
    'Usage: node scripts/setup.js [--quiet] [--help]',
    '',
    'Prepares this machine for tsboot (run automatically before npm build/test/qemu commands):',
    '  1. installs missing Debian packages (as root; otherwise prints the sudo command):',
    '     ' + uniquePackages(REQUIREMENTS).join(' '),
    '  2. runs `npm ci` when node_modules is missing or older than package-lock.json',
    '  3. compiles the Node-side TypeScript into build/js (tsc -b, incremental)',
    `  4. fetches Debian's Linux ${DEBIAN_KERNEL_ABI} kernels (amd64, arm64) into build/linux/ once`,
    '     (apt-get download; arm64 needs `dpkg --add-architecture arm64` as root first)',
    '',
    'Options:',
    '  --quiet   print only errors and the output of steps that do work',
    '  --help    show this help',
  ].join('\n');
}

function uniquePackages(reqs) {
  const seen = [];
  for (const r of reqs) if (!seen.includes(r.pkg)) seen.push(r.pkg);
  return seen;
}

// PATH lookup without spawning `which` for every command (keeps the no-op run fast).
function onPath(cmd) {
  const dirs = (process.env.PATH || '').split(path.delimiter);
  // apt installs some tools (mkfs.fat, sfdisk) in sbin, which a non-root PATH may lack.
  for (const extra of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (!dirs.includes(extra)) dirs.push(extra);
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return true;
    } catch (_) {
      /* keep looking */
    }
  }
  return false;
}

function missingRequirements(reqs) {
  return (reqs || REQUIREMENTS).filter((r) => (r.cmd ? !onPath(r.cmd) : !fs.existsSync(r.file)));
}

/** The message for missing requirements when not root: what is missing and the apt command. */
function missingMessage(missing, then) {
  return 'these tools are missing:\n' + missing.map((r) => `  ${r.cmd || r.file} (package ${r.pkg}: ${r.why})`).join('\n') + '\n' +
    'Install them with:\n  sudo apt-get install -y ' + uniquePackages(missing).join(' ') + '\n' + then + '\n';
}

function fail(message) {
  process.stderr.write('setup: ' + message + '\n');
  process.exit(1);
}

// Runs a command with the terminal attached so long steps show their own progress.
function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, Object.assign({ stdio: 'inherit', cwd: ROOT }, opts || {}));
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    fail(`\`${[cmd].concat(args).join(' ')}\` failed with ${r.signal ? 'signal ' + r.signal : 'exit status ' + r.status}`);
  }
}

function installPackages(quiet, reqs) {
  const missing = missingRequirements(reqs);
  if (missing.length === 0) return;
  const pkgs = uniquePackages(missing);
  const lines = missing.map((r) => `  ${r.cmd || r.file} (package ${r.pkg}: ${r.why})`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write('setup: ' + missingMessage(missing, 'then run the command again.'));
    process.exit(1);
  }
  // Always show this step, even with --quiet: it is slow and changes the machine.
  process.stdout.write('setup: installing missing Debian packages: ' + pkgs.join(' ') + '\n' + lines.join('\n') + '\n');
  const env = Object.assign({}, process.env, { DEBIAN_FRONTEND: 'noninteractive' });
  process.stdout.write('setup: apt-get update\n');
  run('apt-get', ['update'], { env });
  process.stdout.write('setup: apt-get install -y ' + pkgs.join(' ') + '\n');
  run('apt-get', ['install', '-y'].concat(pkgs), { env });
  const still = missingRequirements(reqs);
  if (still.length > 0) {
    fail('after apt-get install these are still missing:\n' + still.map((r) => `  ${r.cmd || r.file} (package ${r.pkg})`).join('\n'));
  }
  if (!quiet) process.stdout.write('setup: Debian packages installed\n');
}

function mtimeMs(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch (_) {
    return -1;
  }
}

function installNodeModules(quiet) {
  const lock = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  const needed = !fs.existsSync(path.join(ROOT, 'node_modules')) || mtimeMs(lock) > mtimeMs(installed);
  if (!needed) return;
  process.stdout.write('setup: npm ci (node_modules is missing or older than package-lock.json)\n');
  // npm_config_ignore_scripts is not set: dependencies are plain JS and need no scripts,
  // but we leave npm's defaults alone. `--no-audit --no-fund` keep the output short.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['ci', '--no-audit', '--no-fund'].concat(quiet ? ['--loglevel=error'] : []));
}

// The directories tsconfig.json compiles from, and what else its output depends on.
const TS_SOURCE_DIRS = ['toolchain/src', 'linker', 'scripts', 'qemu', 'ovmf', 'tests', 'bench'];
const TS_BUILD_INFO = path.join(ROOT, 'build', 'js', '.tsbuildinfo');

// True when a file or directory under `dir` (recursively) was modified after `since`. A
// directory's time changes when an entry is added, removed or renamed in it.
function changedSince(dir, since) {
  let entries;
  try {
    if (fs.statSync(dir).mtimeMs > since) return true;
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (_) {
    return false;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (changedSince(p, since)) return true;
    } else if (e.name.endsWith('.ts') && mtimeMs(p) > since) return true;
  }
  return false;
}

// tsc -b decides the same thing, but loading the TypeScript library to ask costs most of a
// no-op `npm run build`. When no source, directory, tsconfig.json or installed module is
// newer than tsc's build record, tsc -b would find everything up to date: skip it.
function typeScriptUpToDate() {
  const built = mtimeMs(TS_BUILD_INFO);
  if (built < 0 || !fs.existsSync(path.join(ROOT, 'build', 'js', 'toolchain', 'src', 'cli.js'))) return false;
  for (const f of ['tsconfig.json', path.join('node_modules', '.package-lock.json')]) {
    if (mtimeMs(path.join(ROOT, f)) > built) return false;
  }
  return !TS_SOURCE_DIRS.some((d) => changedSince(path.join(ROOT, d), built));
}

function buildTypeScript(quiet) {
  if (typeScriptUpToDate()) return;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) fail('node_modules/typescript is missing after npm ci; delete node_modules and run again');
  const start = Date.now();
  if (!quiet) process.stdout.write('setup: compiling Node-side TypeScript (tsc -b tsconfig.json) ... ');
  const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) fail('could not run tsc: ' + r.error.message);
  if (r.status !== 0) {
    if (!quiet) process.stdout.write('failed\n');
    process.stderr.write((r.stdout || '') + (r.stderr || ''));
    fail('TypeScript compilation failed (errors above); fix them and run `npm run setup` again');
  }
  if (!quiet) process.stdout.write(`done in ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
}

function capture(cmd, args, opts) {
  const r = spawnSync(cmd, args, Object.assign({ cwd: ROOT, encoding: 'utf8' }, opts || {}));
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  return r;
}

/** Where fetchKernels puts the kernel of `arch` (qemu/linux.ts reads the same place). */
function kernelDir(arch) {
  return path.join(ROOT, 'build', 'linux', arch);
}

function fetchKernels(quiet) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  for (const k of KERNELS) {
    const dir = kernelDir(k.arch);
    const dest = path.join(dir, 'vmlinuz');
    const stamp = path.join(dir, 'package.txt');
    let have = '';
    try {
      have = fs.readFileSync(stamp, 'utf8');
    } catch (_) {
      /* not fetched yet */
    }
    if (fs.existsSync(dest) && have.split(' ')[0] === k.pkg) continue;
    if (k.debArch !== 'amd64') {
      const foreign = capture('dpkg', ['--print-foreign-architectures']).stdout.split('\n');
      if (!foreign.includes(k.debArch)) {
        if (!isRoot) {
          fail(`the ${k.arch} kernel test needs Debian's ${k.debArch} packages; run once:\n` +
            `  sudo dpkg --add-architecture ${k.debArch} && sudo apt-get update\nthen run the command again.`);
        }
        process.stdout.write(`setup: dpkg --add-architecture ${k.debArch}; apt-get update\n`);
        run('dpkg', ['--add-architecture', k.debArch]);
        run('apt-get', ['update'], { env: Object.assign({}, process.env, { DEBIAN_FRONTEND: 'noninteractive' }) });
      }
    }
    fs.mkdirSync(dir, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(dir, 'fetch-'));
    try {
      process.stdout.write(`setup: apt-get download ${k.pkg} (Debian's ${k.arch} kernel for the linux boot tests)\n`);
      const dl = capture('apt-get', ['download', k.pkg], { cwd: tmp });
      const deb = fs.readdirSync(tmp).find((n) => n.endsWith('.deb'));
      if (dl.status !== 0 || !deb) {
        fail(`\`apt-get download ${k.pkg}\` failed:\n${(dl.stderr || '').trim()}\n` +
          `Debian may have dropped the ${DEBIAN_KERNEL_ABI} ABI: set DEBIAN_KERNEL_ABI in scripts/setup.js to the newest from\n` +
          `  apt-cache search --names-only '^linux-image-6\\.1\\.0-[0-9]+-amd64$'`);
      }
      const member = `./boot/vmlinuz-${DEBIAN_KERNEL_ABI}-${k.debArch}`;
      const x = capture('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"', 'sh', path.join(tmp, deb), tmp, member]);
      const got = path.join(tmp, member);
      if (x.status !== 0 || !fs.existsSync(got)) fail(`extracting ${member} from ${deb} failed:\n${(x.stderr || '').trim()}`);
      const version = capture('dpkg-deb', ['-f', path.join(tmp, deb), 'Version']).stdout.trim();
      fs.renameSync(got, dest);
      fs.writeFileSync(stamp, `${k.pkg} ${version}\n`);
      if (!quiet) process.stdout.write(`setup: ${path.relative(ROOT, dest)} <- ${k.pkg} ${version} (${fs.statSync(dest).size} bytes)\n`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

function main(argv) {
  let quiet = false;
  for (const a of argv) {
    if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(usage() + '\n');
      return;
    } else {
      process.stderr.write(`setup: unknown option ${a}\n\n${usage()}\n`);
      process.exit(1);
    }
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) fail(`Node.js ${process.versions.node} is too old; tsboot needs Node 20 or newer`);
  installPackages(quiet);
  installNodeModules(quiet);
  buildTypeScript(quiet);
  fetchKernels(quiet);
}

// `tsboot setup` and `tsboot run` use the requirement table and the installer.
module.exports = { REQUIREMENTS, projectRequirements, missingRequirements, missingMessage, installPackages };

if (require.main === module) main(process.argv.slice(2));
