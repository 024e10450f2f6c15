#!/usr/bin/env node
// The `tsboot` command: the compiled CLI lives in build/js (built by scripts/setup.js).
//
// The compiler runs in a worker thread with a large stack. TypeScript's parser recurses
// once per level of nesting in the source, and the main thread's stack (about 1 MB) ends
// after a few hundred nested parentheses; with STACK_MB the parser takes a hundred
// thousand, and deeper nesting is a diagnostic (toolchain/src/parse/source-checks.ts).
// TSBOOT_STACK_MB overrides the size (the tests use a small one to reach that diagnostic).
// The process starts as every short-lived compiler process does (toolchain/src/startup.ts):
// V8 flags for a one-shot run, set here before the worker exists (its heap is sized by
// them), then, in the worker, the TypeScript library from its code cache.
'use strict';
const path = require('path');
const fs = require('fs');
const { Worker, isMainThread } = require('worker_threads');

const STACK_MB = Number(process.env.TSBOOT_STACK_MB) || 256;
const cli = path.join(__dirname, '..', 'build', 'js', 'toolchain', 'src', 'cli.js');

if (isMainThread) {
  if (!fs.existsSync(cli)) {
    console.error('tsboot: the compiler is not built yet; run `npm run setup` in ' + path.join(__dirname, '..'));
    process.exit(1);
  }
  require(path.join(path.dirname(cli), 'startup.js')).useOneShotFlags();
  const worker = new Worker(__filename, { argv: process.argv.slice(2), resourceLimits: { stackSizeMb: STACK_MB } });
  worker.on('error', (err) => {
    process.stderr.write(`tsboot: internal compiler error (please report it with the input):\n${err && err.stack}\n`);
    process.exitCode = 2;
  });
  worker.on('exit', (code) => {
    if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
  });
} else {
  require(path.join(path.dirname(cli), 'startup.js')).startOneShotCompiler();
  require(cli).main(process.argv.slice(2));
}
