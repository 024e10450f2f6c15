// `npm pack` / `npm publish` (the prepack hook, after `tsc -b`): builds tsboot's loader for
// both architectures, which the package ships prebuilt (`tsboot run` boots kernels behind
// it, so a project needs no build of its own), and checks that everything package.json's
// `files` promises is there.
import * as fs from 'fs';
import * as path from 'path';
import { buildArch, BuildError } from './build';
import { ARCHES, bootArtifacts, displayPath, repoRoot } from './paths';

/** Files the installed package cannot work without (beyond the sources `files` lists). */
export function packedArtifacts(): string[] {
  const root = repoRoot();
  return [
    ...ARCHES.map((a) => bootArtifacts(a).loader),
    path.join(root, 'build', 'js', 'toolchain', 'src', 'cli.js'),
    path.join(root, 'build', 'js', 'toolchain', 'src', 'plugin', 'index.js'),
  ];
}

async function main(): Promise<void> {
  for (const arch of ARCHES) await buildArch(arch, { only: 'loader', log: (s) => console.error(`prepack: ${s}`) });
  const missing = packedArtifacts().filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new BuildError(`missing from the package: ${missing.map(displayPath).join(', ')}`);
  console.error(`prepack: the package ships ${packedArtifacts().map(displayPath).join(', ')}`);
}

main().catch((e: Error) => {
  console.error(`prepack: ${e instanceof BuildError ? e.message : e.stack ?? e.message}`);
  process.exit(1);
});
