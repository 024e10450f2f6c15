// `tsboot setup [--arch]`: installs the Debian (or Ubuntu) packages a project needs to compile
// and boot: QEMU, OVMF/AAVMF, clang-16, lld-16 and mtools (scripts/setup.js's table, the
// entries marked `project`). As root it runs apt-get; otherwise it prints the sudo command.
import type { Argv } from 'yargs';
import { ARCHES } from '../../../scripts/paths';
import { reportFailure, setupModule } from './common';

export function setupCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
    'setup',
    'install the Debian packages a tsboot project needs (QEMU, UEFI firmware, clang-16, lld-16, mtools)',
    (c) => c.option('arch', { choices: [...ARCHES], describe: 'only what this architecture needs (default: both)' }),
    (a) => {
      try {
        const setup = setupModule();
        const reqs = setup.projectRequirements(a.arch);
        setup.installPackages(false, reqs);
        const names = [...new Set(reqs.map((r) => r.pkg))].join(' ');
        console.log(`tsboot: everything a project needs${a.arch ? ` on ${a.arch}` : ''} is installed (${names})`);
      } catch (e) {
        reportFailure(e);
      }
    },
  );
}
