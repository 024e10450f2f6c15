// Locates the UEFI firmware that Debian packages for QEMU and gives every run its own
// writable copy of the variable store.
//
// The CODE volume is attached as read-only pflash and shared by all runs. The VARS volume
// is written by the firmware (boot entries, BootOrder), so each run copies it into a fresh
// temporary directory: concurrent runs must not share it, and a run must not inherit
// entries an earlier run left behind. The copy is deleted when the run ends.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Arch } from '../scripts/paths';

export interface FirmwareFiles {
  arch: Arch;
  /** Read-only firmware code volume. */
  code: string;
  /** Pristine variable store that each run copies. */
  varsTemplate: string;
  /** The Debian package that provides these files. */
  pkg: string;
}

interface Candidate {
  code: string;
  vars: string;
}

// Where Debian 12 installs the firmware, in order of preference. x86_64: the 4 MiB build
// first (the current OVMF layout), then the older 2 MiB build. CODE and VARS come in
// matching pairs: a 4 MiB CODE with a 2 MiB VARS does not boot.
const DEFAULTS: Record<Arch, { dirs: string[]; pairs: Candidate[]; pkg: string }> = {
  x86_64: {
    dirs: ['/usr/share/OVMF'],
    pairs: [
      { code: 'OVMF_CODE_4M.fd', vars: 'OVMF_VARS_4M.fd' },
      { code: 'OVMF_CODE.fd', vars: 'OVMF_VARS.fd' },
    ],
    pkg: 'ovmf',
  },
  aarch64: {
    dirs: ['/usr/share/AAVMF'],
    pairs: [{ code: 'AAVMF_CODE.fd', vars: 'AAVMF_VARS.fd' }],
    pkg: 'qemu-efi-aarch64',
  },
};

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
}

function searchDirs(arch: Arch, opts: LocateOptions): string[] {
  if (opts.dirs) return opts.dirs;
  const env = process.env.TSBOOT_FIRMWARE_DIR;
  return env ? [env, ...DEFAULTS[arch].dirs] : DEFAULTS[arch].dirs;
}

/** Finds the CODE/VARS pair for `arch`; throws FirmwareNotFoundError naming the apt package. */
export function locateFirmware(arch: Arch, opts: LocateOptions = {}): FirmwareFiles {
  const d = DEFAULTS[arch];
  const dirs = searchDirs(arch, opts);
  const tried: string[] = [];
  for (const dir of dirs) {
    for (const pair of d.pairs) {
      const code = path.join(dir, pair.code);
      const vars = path.join(dir, pair.vars);
      tried.push(`${code} + ${pair.vars}`);
      if (fs.existsSync(code) && fs.existsSync(vars)) return { arch, code, varsTemplate: vars, pkg: d.pkg };
    }
  }
  throw new FirmwareNotFoundError(
    `no ${arch} UEFI firmware found (looked for ${tried.join(', ')}).\n` +
      `Install it with: sudo apt-get install -y ${d.pkg}   (or run \`npm run setup\` as root)`,
  );
}

/** Firmware for one run: the shared CODE and a private VARS copy. */
export interface FirmwareInstance extends FirmwareFiles {
  /** The writable VARS copy for this run. */
  vars: string;
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

/** Locates the firmware and copies VARS into a fresh temporary directory. */
export function prepareFirmware(arch: Arch, opts: LocateOptions = {}): FirmwareInstance {
  const files = locateFirmware(arch, opts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsboot-fw-${arch}-`));
  const vars = path.join(dir, path.basename(files.varsTemplate));
  try {
    fs.copyFileSync(files.varsTemplate, vars);
    // The Debian files are read-only for users; the copy must be writable by QEMU.
    fs.chmodSync(vars, 0o600);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot copy ${files.varsTemplate} to ${vars}: ${(e as Error).message}`);
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
