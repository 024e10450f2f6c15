#!/usr/bin/env node
// The `tsboot` command: the compiled CLI lives in build/js (built by scripts/setup.js).
'use strict';
const path = require('path');
const fs = require('fs');
const cli = path.join(__dirname, '..', 'build', 'js', 'toolchain', 'src', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('tsboot: the compiler is not built yet; run `npm run setup` in ' + path.join(__dirname, '..'));
  process.exit(1);
}
require(path.join(path.dirname(cli), 'code-cache.js')).loadTypescriptWithCodeCache();
require(cli).main(process.argv.slice(2));
