// What the project commands share: how a failure is reported, and the check that the Debian
// tools they run are installed (the requirement table is scripts/setup.js's).
import * as path from 'path';
import { isUserFacingError } from '../../../qemu/session';
import { ToolError } from '../diagnostics';
import { PACKAGE_ROOT } from './project';

/** One requirement of scripts/setup.js's table. */
export interface Requirement {
  pkg: string;
  cmd?: string;
  file?: string;
  why: string;
  project?: boolean;
  arch?: string;
}

interface SetupModule {
  projectRequirements(arch?: string): Requirement[];
  missingRequirements(reqs: Requirement[]): Requirement[];
  missingMessage(missing: Requirement[], then: string): string;
  installPackages(quiet: boolean, reqs: Requirement[]): void;
}

/** scripts/setup.js, plain JavaScript shipped as it is (it runs before anything is compiled). */
export function setupModule(): SetupModule {
  return require(path.join(PACKAGE_ROOT, 'scripts', 'setup.js')) as SetupModule;
}

/**
 * Throws a ToolError naming every missing tool and the command that installs it when the
 * machine lacks what booting on `arch` (and, with `compiler`, compiling) needs.
 */
export function requireTools(arch: string, compiler: boolean): void {
  const setup = setupModule();
  const needed = setup.projectRequirements(arch).filter((r) => compiler || !/^(clang|lld)-/.test(r.pkg));
  const missing = setup.missingRequirements(needed);
  if (missing.length > 0) {
    throw new ToolError(setup.missingMessage(missing, 'or run `sudo npx tsboot setup`, which installs everything a tsboot project needs.').trimEnd());
  }
}

/** Reports an exception of a command: a user's or the machine's problem as one message (exit
 *  status 1), anything else as an internal error with its stack for the bug report (2). */
export function reportFailure(e: unknown): void {
  if (e instanceof ToolError || isUserFacingError(e)) {
    process.stderr.write(`tsboot: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`tsboot: internal error (please report it with the input):\n${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 2;
}
