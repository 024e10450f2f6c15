// Writes \tsboot\boot.cfg (grammar: docs/boot-protocol.md). The loader's parser,
// common/cfg.ts, is the judge of what it reads; this is the one host-side writer, used by
// `npm run image`, `tsboot run` and the tests, and it refuses what the parser would refuse
// in the values it is given, so that a mistake is reported here and not on a serial console.
import type { Arch } from './paths';

/** Bytes of a cmdline a tsboot kernel takes (common/cfg.ts: CFG_TSBOOT_CMDLINE_MAX). */
export const TSBOOT_CMDLINE_MAX = 255;

export interface CfgEntry {
  name: string;
  /** Only this architecture's loader lists the entry. */
  arch?: Arch;
  protocol: 'tsboot' | 'linux' | 'efi';
  /** The file on the ESP, `/` or `\` separated. */
  path: string;
  initrd?: string[];
  /** Written when defined, even empty. */
  cmdline?: string;
  sha256?: string;
}

export interface CfgOptions {
  /** Comment lines at the top (without the `#`). */
  comments?: string[];
  timeout?: number;
  default?: string;
  /** verbose=yes|no: whether the loader writes its detail lines to serial. */
  verbose?: boolean;
  /** CRLF line ends (readable in any editor a USB stick is plugged into); LF otherwise. */
  crlf?: boolean;
}

/** Why `cmdline` cannot be a tsboot entry's `cmdline=` value, or undefined when it can. */
export function cmdlineProblem(cmdline: string): string | undefined {
  if (Buffer.byteLength(cmdline) > TSBOOT_CMDLINE_MAX || !/^[\x20-\x7e]*$/.test(cmdline)) {
    return `the command line must be at most ${TSBOOT_CMDLINE_MAX} printable ASCII characters on one line`;
  }
  if (/\s#/.test(cmdline)) return 'the command line must not contain a blank followed by \'#\': boot.cfg has no end-of-line comments and refuses it';
  return undefined;
}

function checkValue(key: string, value: string): void {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error(`boot.cfg ${key}=${JSON.stringify(value)}: control characters are not allowed`);
  if (/\s#/.test(value)) throw new Error(`boot.cfg ${key}=${JSON.stringify(value)}: a blank followed by '#' is refused (no end-of-line comments)`);
}

/** The text of a boot.cfg with `entries`, each block indented under its `entry=` line. */
export function bootCfgText(entries: readonly CfgEntry[], opts: CfgOptions = {}): string {
  const lines = (opts.comments ?? []).map((c) => `# ${c}`.trimEnd());
  if (opts.timeout !== undefined) lines.push(`timeout=${opts.timeout}`);
  if (opts.default !== undefined) lines.push(`default=${opts.default}`);
  if (opts.verbose !== undefined) lines.push(`verbose=${opts.verbose ? 'yes' : 'no'}`);
  for (const e of entries) {
    if (e.protocol === 'tsboot' && e.cmdline !== undefined) {
      const why = cmdlineProblem(e.cmdline);
      if (why) throw new Error(`boot.cfg entry '${e.name}': ${why}`);
    }
    const kv: [string, string][] = [];
    if (e.arch) kv.push(['arch', e.arch]);
    kv.push(['protocol', e.protocol], ['path', e.path]);
    for (const i of e.initrd ?? []) kv.push(['initrd', i]);
    if (e.cmdline !== undefined) kv.push(['cmdline', e.cmdline]);
    if (e.sha256 !== undefined) kv.push(['sha256', e.sha256]);
    checkValue('entry', e.name);
    for (const [k, v] of kv) checkValue(k, v);
    if (lines.length > 0) lines.push('');
    lines.push(`entry=${e.name}`, ...kv.map(([k, v]) => `  ${k}=${v}`));
  }
  lines.push('');
  return lines.join(opts.crlf ? '\r\n' : '\n');
}
