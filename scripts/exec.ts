// Synchronous tool invocation with errors that say exactly what ran and what it printed.
// Used for the short external tools (mtools, clang, lld); long-running processes (QEMU,
// the compiler) are spawned asynchronously elsewhere.
import { spawnSync } from 'child_process';

export class ToolError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly status: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** Shell-like rendering of a command line, for messages (quotes arguments that need it). */
export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./\\-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export interface RunToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the tool after this long (default 60 s): a prompt waiting for input must not hang a build. */
  timeoutMs?: number;
  input?: string | Buffer;
}

/**
 * Runs `cmd args` to completion; returns its stdout. Throws ToolError (command line, exit
 * status and stderr in the message) when it cannot start, exits non-zero or times out.
 * stdin is empty so that interactive prompts fail instead of waiting.
 */
export function runTool(cmd: string, args: readonly string[], opts: RunToolOptions = {}): string {
  const command = formatCommand(cmd, args);
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  if (r.error) {
    const e = r.error as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? `${cmd} is not installed or not on PATH (run \`npm run setup\`)` : e.code === 'ETIMEDOUT' ? `timed out after ${opts.timeoutMs ?? 60_000} ms` : e.message;
    throw new ToolError(`\`${command}\` failed: ${why}${stderr.trim() ? '\n' + stderr.trim() : ''}`, command, null, stdout, stderr);
  }
  if (r.status !== 0) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    const out = (stderr.trim() || stdout.trim() || '(no output)').split('\n').map((l) => '  ' + l).join('\n');
    throw new ToolError(`\`${command}\` ${how}:\n${out}`, command, r.status, stdout, stderr);
  }
  return stdout;
}
