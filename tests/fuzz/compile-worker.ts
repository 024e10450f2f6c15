// A compile server for the fuzzer: a child process that loads the compiler once and then
// compiles one program per message, so that thousands of programs do not each pay for
// starting Node and loading TypeScript. The harness (harness.ts) runs a few of these and
// replaces one that crashes or hangs. Each answer says what the command line would have
// done: exit 0, exit 1 with diagnostics, or exit 2 with an internal compiler error.
import * as path from 'path';

export interface CompileRequest { id: number; entry: string; target: string; output: string; opt: 0 | 1 | 2 | 3 }
export interface CompileAnswer { id: number; status: 0 | 1 | 2; text: string }

const src = path.join(__dirname, '..', '..', 'toolchain', 'src');
// eslint-disable-next-line @typescript-eslint/no-var-requires
(require(path.join(src, 'code-cache.js')) as typeof import('../../toolchain/src/code-cache')).loadTypescriptWithCodeCache();
// eslint-disable-next-line @typescript-eslint/no-var-requires
const driver = require(path.join(src, 'driver.js')) as typeof import('../../toolchain/src/driver');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ToolError } = require(path.join(src, 'diagnostics.js')) as typeof import('../../toolchain/src/diagnostics');

process.on('message', async (m: CompileRequest) => {
  let answer: CompileAnswer;
  try {
    const r = await driver.compile({ entry: m.entry, target: m.target, output: m.output, optLevel: m.opt });
    answer = { id: m.id, status: r.ok ? 0 : 1, text: r.diagnostics.format() };
  } catch (e) {
    const err = e as Error;
    answer = e instanceof ToolError
      ? { id: m.id, status: /internal compiler error/.test(err.message) ? 2 : 1, text: `tsboot: ${err.message}` }
      : { id: m.id, status: 2, text: `tsboot: internal compiler error:\n${err.stack}` };
  }
  process.send!(answer);
});
