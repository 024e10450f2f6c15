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
// A compile keeps most of what it allocates (the syntax trees, the checker's maps) until it
// ends, so the heap starts large enough for it: a young generation of at least 8 MB and an
// old generation that is not collected before 128 MB (limits, not memory taken), which
// spares the generated module's compile half of its scavenges and its one full collection.
// docs/benchmarks.md ("Compile time: a one-shot process") has the measurements.
//
// The flags are set with v8.setFlagsFromString before the TypeScript library is loaded.
// The compiler flags apply to every isolate of the process at once; the heap sizes only to
// isolates made afterwards, which is why bin/tsboot.js sets them before it starts the
// worker thread that compiles (a build, scripts/build.ts, compiles on its main thread and
// keeps V8's default heap). V8 rejects a code cache made under other flags, so these
// processes keep their own (code-cache.ts).
import { createHash } from 'crypto';
import * as v8 from 'v8';
import { CodeCacheUse, loadTypescriptWithCodeCache } from './code-cache';

/** The V8 flags of a one-shot compiler process. */
export const ONE_SHOT_V8_FLAGS: readonly string[] = [
  '--no-opt', '--always-sparkplug', '--min-semi-space-size=8', '--initial-old-space-size=128',
];

let flagsSet = false;

/**
 * Sets ONE_SHOT_V8_FLAGS. Call it first thing in the process, before the compiler loads
 * (and before starting a worker thread that compiles).
 */
export function useOneShotFlags(): void {
  if (flagsSet) return;
  for (const f of ONE_SHOT_V8_FLAGS) v8.setFlagsFromString(f);
  flagsSet = true;
}

/** Loads the TypeScript library through the code cache that matches this process's flags. */
export function loadTypescript(): CodeCacheUse {
  const variant = `one-shot-${createHash('sha256').update(ONE_SHOT_V8_FLAGS.join(' ')).digest('hex').slice(0, 8)}`;
  return loadTypescriptWithCodeCache(flagsSet ? variant : undefined);
}

/** Both, for a process that is about to compile: the flags, then the TypeScript library. */
export function startOneShotCompiler(): CodeCacheUse {
  useOneShotFlags();
  return loadTypescript();
}
