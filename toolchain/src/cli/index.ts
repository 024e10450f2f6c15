// The project commands of `tsboot` (next to `compile`, toolchain/src/cli.ts): new, run,
// check and setup, each in its own module.
import type { Argv } from 'yargs';
import { checkCommand } from './check';
import { newCommand } from './new';
import { runCommand } from './run';
import { setupCommand } from './setup';

export function withProjectCommands<T>(y: Argv<T>): Argv<T> {
  return setupCommand(checkCommand(runCommand(newCommand(y))));
}
