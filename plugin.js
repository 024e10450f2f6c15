// `tsboot/plugin`, the tsserver plugin (toolchain/src/plugin/index.ts, compiled into build/js).
// tsserver finds plugins by plain module lookup, without package exports, so the module sits
// where that lookup of `tsboot/plugin` lands: here.
'use strict';
module.exports = require('./build/js/toolchain/src/plugin/index.js');
