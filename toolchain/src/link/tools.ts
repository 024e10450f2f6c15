// Finds the LLVM tools by probing: clang-16, then clang-15, then a `clang` of version >= 15,
// and the matching lld drivers. Missing tools give an error naming the apt packages.
import { spawnSync } from 'child_process';
import { ToolError } from '../diagnostics';

export interface LlvmTools { clang: string; ldLld: string; lldLink: string; version: number }

let cached: LlvmTools | undefined;

function version(cmd: string): number | undefined {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return undefined;
  const m = /version (\d+)\./.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

function exists(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 || (r.error === undefined && r.status !== null);
}

export function findTools(): LlvmTools {
  if (cached) return cached;
  for (const v of [16, 15]) {
    if (version(`clang-${v}`) === v) {
      const ldLld = exists(`ld.lld-${v}`) ? `ld.lld-${v}` : 'ld.lld';
      const lldLink = exists(`lld-link-${v}`) ? `lld-link-${v}` : 'lld-link';
      cached = { clang: `clang-${v}`, ldLld, lldLink, version: v };
      return cached;
    }
  }
  const v = version('clang');
  if (v !== undefined && v >= 15) {
    cached = { clang: 'clang', ldLld: 'ld.lld', lldLink: 'lld-link', version: v };
    return cached;
  }
  throw new ToolError('no LLVM toolchain found (clang 15 or newer with lld); install it with '
    + '`sudo apt-get install -y clang-16 lld-16 llvm-16` (or run `npm run setup` as root)');
}
