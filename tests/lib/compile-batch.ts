// Compiles many subset programs in one process, for the suites that build hundreds of
// them (exec, fuzz): the driver's compileAll, i.e. `tsboot compile`'s pipeline with the
// programs parsed together and clang running in parallel, without a Node start and a
// TypeScript load per program.
//
//   node build/js/tests/lib/compile-batch.js <requests.json> <results.json> [jobs]
//
// requests.json: [{ entry, target, output, optLevel }]. results.json gets, in the same
// order, { status, stderr }: status 0 when the program was built, 1 with its diagnostics
// (as `tsboot compile` prints them), 2 with an internal error. An internal error stops
// compileAll as a whole, so the batch is then compiled again one program at a time, to
// pin the error on its program and still build the others.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface BatchRequest {
  entry: string;
  target: string;
  output: string;
  optLevel: 0 | 1 | 2 | 3;
}

export interface BatchResult {
  status: number;
  stderr: string;
}

async function main(argv: string[]): Promise<void> {
  const [reqFile, resFile, jobsArg] = argv;
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  (require(path.join(root, 'build', 'js', 'toolchain', 'src', 'code-cache.js')) as { loadTypescriptWithCodeCache(): void }).loadTypescriptWithCodeCache();
  const driver = require(path.join(root, 'build', 'js', 'toolchain', 'src', 'driver.js')) as typeof import('../../toolchain/src/driver');
  const reqs = JSON.parse(fs.readFileSync(reqFile, 'utf8')) as BatchRequest[];
  const jobs = Number(jobsArg) || os.availableParallelism();
  const asResult = (r: import('../../toolchain/src/driver').CompileResult): BatchResult => r.ok
    ? { status: 0, stderr: '' }
    : { status: 1, stderr: `${r.diagnostics.format()}\n${r.diagnostics.count} error${r.diagnostics.count === 1 ? '' : 's'}\n` };
  const internal = (e: unknown): BatchResult => ({ status: 2, stderr: `tsboot: internal compiler error:\n${(e as Error).stack ?? e}\n` });
  let results: BatchResult[];
  try {
    results = (await driver.compileAll(reqs, { jobs })).map(asResult);
  } catch {
    results = [];
    for (const r of reqs) {
      try {
        results.push(asResult(await driver.compile(r)));
      } catch (e) {
        results.push(internal(e));
      }
    }
  }
  fs.writeFileSync(resFile, JSON.stringify(results));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`compile-batch: ${e.stack ?? e.message}\n`);
    process.exit(2);
  });
}
