// A V8 code cache for the `typescript` module. Compiling its 9 MB of JavaScript is the
// largest part of a cold compiler start on Node 20 (which has no built-in compile cache),
// so the compiled code is kept in build/cache after the first run. A stale or foreign
// cache is rejected by V8 and simply rebuilt. V8 also rejects a cache made under other V8
// flags, so a process that runs with its own flags (toolchain/src/startup.ts) names its own
// file with `variant`, and processes with and without them do not overwrite each other's.
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import Module = require('module');
import { REPO_ROOT } from './paths';

/** How the library was loaded: from the cache, compiled (the cache is then written at exit), or earlier. */
export type CodeCacheUse = 'cached' | 'compiled' | 'loaded before' | 'not installed';

export function loadTypescriptWithCodeCache(variant?: string): CodeCacheUse {
  let tsPath: string;
  try { tsPath = require.resolve('typescript'); } catch { return 'not installed'; }
  if (require.cache[tsPath]) return 'loaded before';
  const pkg = path.join(path.dirname(tsPath), '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  const dir = path.join(REPO_ROOT, 'build', 'cache');
  const file = path.join(dir, `typescript-${version}-node${process.versions.v8}${variant ? `-${variant}` : ''}.jsc`);
  let cached: Buffer | undefined;
  try { cached = fs.readFileSync(file); } catch { cached = undefined; }
  const source = fs.readFileSync(tsPath, 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: tsPath, cachedData: cached });
  const mod = new Module(tsPath, module);
  mod.filename = tsPath;
  const internals = Module as unknown as { _nodeModulePaths(d: string): string[] };
  (mod as unknown as { paths: string[] }).paths = internals._nodeModulePaths(path.dirname(tsPath));
  const fn = script.runInThisContext() as (...a: unknown[]) => void;
  fn.call(mod.exports, mod.exports, (id: string) => mod.require(id), mod, tsPath, path.dirname(tsPath));
  mod.loaded = true;
  require.cache[tsPath] = mod;
  if (!cached || script.cachedDataRejected) {
    // Written at exit, so that the functions compiled lazily during this run are included.
    process.once('exit', () => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, file);
      } catch { /* a cache is an optimisation only */ }
    });
    return 'compiled';
  }
  return 'cached';
}
