// Drives a real tsserver (typescript's lib/tsserver.js) through its protocol, as an editor
// does: JSON requests on stdin, `Content-Length:`-framed JSON messages on stdout. For the
// tests of tsboot's tsserver plugin.
import { ChildProcess, spawn } from 'child_process';

export interface TsDiagnostic {
  start: number;
  length: number;
  message: string;
  code: number;
  category: string;
  source?: string;
  startLocation: { line: number; offset: number };
}

export interface TsServer {
  /** Opens `file` with `content` (what an editor's buffer holds), in the project around it. */
  open(file: string, content: string, projectRootPath: string): void;
  /** Replaces the open buffer's whole text, as typing would. */
  change(file: string, oldContent: string, newContent: string): void;
  semanticDiagnostics(file: string): Promise<TsDiagnostic[]>;
  syntacticDiagnostics(file: string): Promise<TsDiagnostic[]>;
  /** Everything tsserver logged (with --logFile) is in this file. */
  readonly logFile: string;
  readonly alive: boolean;
  close(): Promise<void>;
}

/** Starts `node tsserverJs` with `extraArgs`; the caller must close() it. */
export function startTsServer(tsserverJs: string, logFile: string, extraArgs: string[] = []): TsServer {
  const child: ChildProcess = spawn(process.execPath, [tsserverJs, '--disableAutomaticTypingAcquisition', '--logVerbosity', 'normal', '--logFile', logFile, ...extraArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seq = 0;
  let buf = Buffer.alloc(0);
  let alive = true;
  const waiting = new Map<number, { resolve: (body: unknown) => void; reject: (e: Error) => void }>();
  const fail = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  child.on('exit', (code, signal) => {
    alive = false;
    fail(new Error(`tsserver exited (${signal ?? code}); its log: ${logFile}`));
  });
  child.stdout!.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const head = buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /Content-Length: (\d+)/.exec(buf.subarray(0, head).toString());
      if (!m) throw new Error(`tsserver wrote a frame without Content-Length: ${buf.subarray(0, head)}`);
      const end = head + 4 + Number(m[1]);
      if (buf.length < end) return;
      const msg = JSON.parse(buf.subarray(head + 4, end).toString('utf8'));
      buf = buf.subarray(end);
      if (msg.type === 'response' && waiting.has(msg.request_seq)) {
        const w = waiting.get(msg.request_seq)!;
        waiting.delete(msg.request_seq);
        if (msg.success) w.resolve(msg.body);
        else w.reject(new Error(`tsserver ${msg.command} failed: ${msg.message}`));
      }
    }
  });
  const send = (command: string, args: unknown) => {
    const s = ++seq;
    child.stdin!.write(JSON.stringify({ seq: s, type: 'request', command, arguments: args }) + '\n');
    return s;
  };
  const request = (command: string, args: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (!alive) { reject(new Error('tsserver is not running')); return; }
      waiting.set(send(command, args), { resolve, reject });
    });
  const lines = (s: string) => s.split('\n');
  return {
    logFile,
    get alive() { return alive; },
    open(file, content, projectRootPath) {
      send('open', { file, fileContent: content, projectRootPath, scriptKindName: 'TS' });
    },
    change(file, oldContent, newContent) {
      const old = lines(oldContent);
      send('change', { file, line: 1, offset: 1, endLine: old.length, endOffset: old[old.length - 1].length + 1, insertString: newContent });
    },
    async semanticDiagnostics(file) {
      return (await request('semanticDiagnosticsSync', { file, includeLinePosition: true })) as TsDiagnostic[];
    },
    async syntacticDiagnostics(file) {
      return (await request('syntacticDiagnosticsSync', { file, includeLinePosition: true })) as TsDiagnostic[];
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!alive) { resolve(); return; }
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.on('exit', () => { clearTimeout(timer); resolve(); });
        send('exit', {});
        child.stdin!.end();
      });
    },
  };
}
