// Mutation checks: each known bug (tests/mutation/mutations.ts), applied alone to a scratch
// copy of the checkout, must make each of its named suites fail, and those suites must
// pass without it (tests/mutation/scratch.ts). `npm test` checks the quick subset (the
// mutations caught by cheap suites, with those suites only); `npm run test:matrix` checks
// every mutation with every suite named for it. `npm run test:mutation` runs them alone.
// @suite long 120
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../lib/toolchain';
import { MUTATIONS, quickMutations } from './mutations';
import { Scratch } from './scratch';

const FULL = process.env.TSBOOT_MATRIX === '1';
const LIST = FULL ? MUTATIONS : quickMutations();
let scratch: Scratch | undefined;

test.before(() => {
  scratch = Scratch.create(repoRoot, (l) => console.log(`  ${l}`));
});

test.after(() => scratch?.remove());

for (const m of LIST) {
  test(`${m.id}: ${m.what} (${m.file}) fails ${m.suites.join(', ')}`, async () => {
    const r = await scratch!.check(m, true);
    for (const s of r.suites) console.log(`  ${m.id}: ${s.suite} ${s.failed ? 'failed' : 'PASSED'} in ${s.seconds.toFixed(1)} s`);
    assert.is(r.verdict, 'caught', `${m.id}: ${r.verdict}\n${r.detail}`);
  });
}

test.run();
