// Start-up of a short-lived compiler process: the `tsboot` command (bin/tsboot.js) and the
// build of the boot artifacts (scripts/build.ts). Not for long-lived processes (the editor
// plugin, the test runner's in-process compiles), which run V8 as it comes.
//
// A one-shot compile runs most of its JavaScript (the TypeScript library, our checker and
// lowering) once or a few times, cold. V8's optimising compiler (TurboFan) spends its time
// on background threads on functions that get hot only briefly, and the process ends
// before the optimised code has paid for itself: on the generated 1,000-line module of
// bench/compile-time.ts that was about 200 ms of CPU out of 650. `--no-opt` keeps
// functions in the interpreter and Sparkplug, the non-optimising baseline compiler;
// `--always-sparkplug` compiles each function with Sparkplug at once, so the loops in the
// checker and tsc's scanner run as machine code without waiting for a tier-up.
// docs/benchmarks.md ("Compile time") has the measurements.
//
// The flags are set with v8.setFlagsFromString before the TypeScript library is loaded;
// they apply to every isolate of the process (the CLI's worker thread too). V8 rejects a
// code cache made under other flags, so these processes keep their own (code-cache.ts).
import * as v8 from 'v8';
import { CodeCacheUse, loadTypescriptWithCodeCache } from './code-cache';

/** The V8 flags of a one-shot compiler process. */
export const ONE_SHOT_V8_FLAGS: readonly string[] = ['--no-opt', '--always-sparkplug'];

let flagsSet = false;

/** Sets ONE_SHOT_V8_FLAGS. Call it first thing in the process, before the compiler loads. */
export function useOneShotFlags(): void {
  if (flagsSet) return;
  for (const f of ONE_SHOT_V8_FLAGS) v8.setFlagsFromString(f);
  flagsSet = true;
}

/** Loads the TypeScript library through the code cache that matches this process's flags. */
export function loadTypescript(): CodeCacheUse {
  return loadTypescriptWithCodeCache(flagsSet ? ONE_SHOT_V8_FLAGS.map((f) => f.replace(/^-+/, '')).join('-') : undefined);
}

/** Both, for a process that is about to compile: the flags, then the TypeScript library. */
export function startOneShotCompiler(): CodeCacheUse {
  useOneShotFlags();
  return loadTypescript();
}
