// Running npm, npx and installed commands from tests as a user would in a shell: in a
// directory of their own, without the npm_* variables of the `npm test` that runs the tests
// (npm reads its configuration from them, e.g. the prefix of the repository), preferring the
// local npm cache (what `npm ci` fetched) over the network.
import * as fs from 'fs';
import * as path from 'path';
import { RunResult, asyncRun } from './toolchain';

export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.npm_config_prefer_offline = 'true';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

/** Runs `cmd args` in `cwd` with userEnv(), killed after `timeoutMs`. */
export function runIn(cwd: string, cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return asyncRun(cmd, args, timeoutMs, cwd, userEnv());
}

/** The directories npx made under the npm cache for `spec` (npx installs a package spec
 *  there, in a directory of its own, as a dependency of a package.json it writes). */
export async function npxDirsFor(spec: string): Promise<string[]> {
  const r = await runIn(process.cwd(), 'npm', ['config', 'get', 'cache'], 30_000);
  const npx = path.join(r.stdout.trim(), '_npx');
  if (r.status !== 0 || !fs.existsSync(npx)) return [];
  return fs.readdirSync(npx).map((d) => path.join(npx, d)).filter((d) => {
    try {
      return fs.readFileSync(path.join(d, 'package.json'), 'utf8').includes(spec);
    } catch {
      return false;
    }
  });
}
