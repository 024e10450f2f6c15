// Locates the UEFI firmware that Debian packages for QEMU and gives every run its own
// writable copy of the variable store.
//
// Two implementations, `--firmware edk2|uboot`:
//   - EDK2 (OVMF for x86_64, AAVMF for aarch64; packages ovmf, qemu-efi-aarch64): a CODE
//     volume attached as read-only pflash and shared by all runs, and a VARS volume the
//     firmware writes (boot entries, BootOrder), so each run copies it into a fresh
//     temporary directory: concurrent runs must not share it, and a run must not inherit
//     entries an earlier run left behind. The copy is deleted when the run ends.
//     x86_64 also has the 2 MiB build (`edk2-2m`) and the Secure Boot build that needs SMM
//     (`edk2-secboot`: q35 with smm=on and a secure pflash; its VARS has no keys enrolled,
//     so Secure Boot is off and the unsigned loader runs).
//   - U-Boot's UEFI (package u-boot-qemu): one image loaded with -bios; it keeps no
//     variables across runs, so there is nothing to copy.
// Debian packages no other UEFI for these two architectures (ovmf-ia32 and qemu-efi-arm are
// 32-bit firmware, which cannot start a 64-bit loader).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Arch } from '../scripts/paths';

/** What `--firmware` accepts: the two implementations and the other EDK2 builds. */
export const FIRMWARE_NAMES = ['edk2', 'uboot', 'edk2-2m', 'edk2-secboot'] as const;
export type FirmwareName = (typeof FIRMWARE_NAMES)[number];

export function isFirmwareName(s: string): s is FirmwareName {
  return (FIRMWARE_NAMES as readonly string[]).includes(s);
}

export interface FirmwareFiles {
  arch: Arch;
  name: FirmwareName;
  /** For messages: e.g. "OVMF_CODE_4M.fd" or "U-Boot qemu_arm64". */
  label: string;
  /** Read-only firmware code volume (EDK2), or the image QEMU loads with -bios (U-Boot). */
  code: string;
  /** Pristine variable store that each run copies; absent for U-Boot. */
  varsTemplate?: string;
  /** QEMU needs SMM and a secure pflash (the Secure Boot build of OVMF). */
  smm?: boolean;
  /** The Debian package that provides these files. */
  pkg: string;
}

interface Candidate {
  code: string;
  /** Absent: the image is loaded with -bios. */
  vars?: string;
  smm?: boolean;
}

interface Choice {
  dirs: string[];
  pairs: Candidate[];
  pkg: string;
}

// Where Debian 12 installs the firmware, in order of preference. x86_64 `edk2`: the 4 MiB
// build first (the current OVMF layout), then the older 2 MiB build. CODE and VARS come in
// matching pairs: a 4 MiB CODE with a 2 MiB VARS does not boot.
const OVMF = '/usr/share/OVMF';
const DEFAULTS: Record<Arch, Partial<Record<FirmwareName, Choice>>> = {
  x86_64: {
    edk2: {
      dirs: [OVMF],
      pairs: [
        { code: 'OVMF_CODE_4M.fd', vars: 'OVMF_VARS_4M.fd' },
        { code: 'OVMF_CODE.fd', vars: 'OVMF_VARS.fd' },
      ],
      pkg: 'ovmf',
    },
    'edk2-2m': { dirs: [OVMF], pairs: [{ code: 'OVMF_CODE.fd', vars: 'OVMF_VARS.fd' }], pkg: 'ovmf' },
    'edk2-secboot': { dirs: [OVMF], pairs: [{ code: 'OVMF_CODE_4M.secboot.fd', vars: 'OVMF_VARS_4M.fd', smm: true }], pkg: 'ovmf' },
    uboot: { dirs: ['/usr/lib/u-boot/qemu-x86_64'], pairs: [{ code: 'u-boot.rom' }], pkg: 'u-boot-qemu' },
  },
  aarch64: {
    edk2: { dirs: ['/usr/share/AAVMF'], pairs: [{ code: 'AAVMF_CODE.fd', vars: 'AAVMF_VARS.fd' }], pkg: 'qemu-efi-aarch64' },
    uboot: { dirs: ['/usr/lib/u-boot/qemu_arm64'], pairs: [{ code: 'u-boot.bin' }], pkg: 'u-boot-qemu' },
  },
};

/** The firmware names that exist for `arch` (edk2-2m and edk2-secboot are x86_64 builds). */
export function firmwareNamesFor(arch: Arch): FirmwareName[] {
  return FIRMWARE_NAMES.filter((n) => DEFAULTS[arch][n] !== undefined);
}

export class FirmwareNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirmwareNotFoundError';
  }
}

export interface LocateOptions {
  /**
   * Directories to search instead of Debian's. The TSBOOT_FIRMWARE_DIR environment variable,
   * when set, is searched before the defaults (for a self-built OVMF).
   */
  dirs?: string[];
  /** Which firmware (default edk2). */
  firmware?: FirmwareName;
}

function searchDirs(choice: Choice, opts: LocateOptions): string[] {
  if (opts.dirs) return opts.dirs;
  const env = process.env.TSBOOT_FIRMWARE_DIR;
  return env ? [env, ...choice.dirs] : choice.dirs;
}

/** Finds the files of `opts.firmware` (default edk2) for `arch`; throws FirmwareNotFoundError naming the apt package. */
export function locateFirmware(arch: Arch, opts: LocateOptions = {}): FirmwareFiles {
  const name = opts.firmware ?? 'edk2';
  const d = DEFAULTS[arch][name];
  if (!d) {
    throw new FirmwareNotFoundError(`there is no ${name} firmware for ${arch}; use one of: ${firmwareNamesFor(arch).join(', ')}`);
  }
  const tried: string[] = [];
  for (const dir of searchDirs(d, opts)) {
    for (const pair of d.pairs) {
      const code = path.join(dir, pair.code);
      const vars = pair.vars ? path.join(dir, pair.vars) : undefined;
      tried.push(vars ? `${code} + ${pair.vars}` : code);
      if (fs.existsSync(code) && (!vars || fs.existsSync(vars))) {
        const label = vars ? path.basename(code) : `U-Boot ${path.basename(dir)}`;
        return { arch, name, label, code, varsTemplate: vars, smm: pair.smm, pkg: d.pkg };
      }
    }
  }
  const what = name === 'uboot' ? `U-Boot (UEFI) for ${arch}` : name === 'edk2' ? `${arch} UEFI firmware` : `${arch} UEFI firmware (${name})`;
  throw new FirmwareNotFoundError(
    `no ${what} found (looked for ${tried.join(', ')}).\n` +
      `Install it with: sudo apt-get install -y ${d.pkg}   (or run \`npm run setup\` as root)`,
  );
}

/** Firmware for one run: the shared CODE and, for EDK2, a private VARS copy. */
export interface FirmwareInstance extends FirmwareFiles {
  /** The writable VARS copy for this run (absent for U-Boot). */
  vars?: string;
  /** The temporary directory holding the copy. */
  dir: string;
  /** Deletes the VARS copy and its directory. Safe to call more than once. */
  cleanup(): void;
}

// Instances not yet cleaned up, removed at process exit as a last resort (e.g. when the
// caller throws between prepare and cleanup).
const live = new Set<FirmwareInstance>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const inst of [...live]) inst.cleanup();
  });
}

/** Locates the firmware (default edk2) and copies its VARS into a fresh temporary directory. */
export function prepareFirmware(arch: Arch, opts: LocateOptions = {}): FirmwareInstance {
  const files = locateFirmware(arch, opts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsboot-fw-${arch}-`));
  let vars: string | undefined;
  if (files.varsTemplate) {
    vars = path.join(dir, path.basename(files.varsTemplate));
    try {
      fs.copyFileSync(files.varsTemplate, vars);
      // The Debian files are read-only for users; the copy must be writable by QEMU.
      fs.chmodSync(vars, 0o600);
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot copy ${files.varsTemplate} to ${vars}: ${(e as Error).message}`);
    }
  }
  const inst: FirmwareInstance = {
    ...files,
    vars,
    dir,
    cleanup() {
      live.delete(inst);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(inst);
  installExitHook();
  return inst;
}
