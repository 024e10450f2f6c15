// `tsboot new <dir> [--template kernel|efi-app]`: a project that builds, boots and tests a
// kernel (behind tsboot's loader) or an EFI application in QEMU with one command. The files
// come from the package's templates/ (common/ for both, then the template's own), with
// `{{name}}` replaced; package.json is written here, with the tsboot this command ran from
// as its dependency (project.ts, installSpec).
import * as fs from 'fs';
import * as path from 'path';
import type { Argv } from 'yargs';
import { ToolError } from '../diagnostics';
import { reportFailure } from './common';
import { installSpec, PACKAGE_ROOT, ProgramKind, PROGRAM_KINDS } from './project';

export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

/** The entry file of each template, relative to the project. */
export const TEMPLATE_ENTRY: Record<ProgramKind, string> = { kernel: 'src/kernel.ts', 'efi-app': 'src/app.ts' };

/** Template names stored without their leading dot (npm pack drops or renames some dot files). */
const DOT_NAMES: Record<string, string> = { gitignore: '.gitignore', github: '.github', vscode: '.vscode' };

interface NewArgs {
  dir: string;
  template: ProgramKind;
  name?: string;
  tsboot?: string;
}

export function newCommand<T>(y: Argv<T>): Argv<T> {
  return y.command(
    'new <dir>',
    'create a project: a kernel or an EFI application in the subset, booted and tested in QEMU',
    (c) => c
      .positional('dir', { type: 'string', demandOption: true, describe: 'the project directory (created; must be empty if it exists)' })
      .option('template', { choices: PROGRAM_KINDS as ProgramKind[], default: 'kernel' as ProgramKind, describe: 'what the project builds' })
      .option('name', { type: 'string', describe: 'the package name (default: the directory\'s name)' })
      .option('tsboot', { type: 'string', describe: 'the tsboot dependency of package.json (default: what this tsboot was installed from)' })
      .example('npx tsboot new my-kernel && cd my-kernel && npm install && npm test', ''),
    (a) => {
      try {
        createProject(a as unknown as NewArgs);
      } catch (e) {
        reportFailure(e);
      }
    },
  );
}

/** Every file of a template directory, as paths relative to it. */
function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

/** The project path of a template file: its first component gets its dot back. */
function projectPath(rel: string): string {
  const [first, ...rest] = rel.split(path.sep);
  return path.join(DOT_NAMES[first] ?? first, ...rest);
}

export function packageJson(name: string, kind: ProgramKind, spec: string): string {
  const entry = TEMPLATE_ENTRY[kind];
  const run = (arch: string) => `tsboot run ${entry} --arch ${arch}`;
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    description: kind === 'kernel' ? 'A kernel in the tsboot subset of TypeScript' : 'An EFI application in the tsboot subset of TypeScript',
    scripts: {
      start: run('x86_64'),
      check: 'tsboot check src',
      test: `${run('x86_64')} && ${run('aarch64')}`,
    },
    dependencies: { tsboot: spec },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

export function createProject(a: NewArgs): void {
  const dir = path.resolve(a.dir);
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new ToolError(`${a.dir} already exists and is not an empty directory; give a new one`);
  }
  const name = a.name ?? path.basename(dir);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name) || name.length > 214) {
    throw new ToolError(`'${name}' is not a valid package name (lower case letters, digits, '-', '_' and '.'); ` +
      `pass --name <name>${a.name ? '' : ' or choose another directory name'}`);
  }
  const { spec, local } = a.tsboot !== undefined ? { spec: a.tsboot, local: a.tsboot.startsWith('file:') } : installSpec();

  const files = new Map<string, string>(); // project path -> template file
  for (const sub of ['common', a.template]) {
    const from = path.join(TEMPLATES_DIR, sub);
    for (const rel of listFiles(from)) files.set(projectPath(rel), path.join(from, rel));
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, from] of files) {
    const to = path.join(dir, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, fs.readFileSync(from, 'utf8').split('{{name}}').join(name));
  }
  fs.writeFileSync(path.join(dir, 'package.json'), packageJson(name, a.template, spec));

  const shown = path.relative(process.cwd(), dir) || '.';
  const say = (s: string) => console.log(`tsboot: ${s}`);
  say(`created ${shown}/ (${a.template === 'kernel' ? 'a kernel' : 'an EFI application'}, package '${name}'):`);
  for (const rel of ['package.json', ...[...files.keys()].sort()]) console.log(`  ${rel}`);
  say(`tsboot dependency: ${spec}`);
  if (local) {
    say('that is a path on this machine: before pushing the project (its CI installs from package.json), ' +
      'make it a published version or a URL the CI can reach');
  }
  say(`next: cd ${shown} && npm install && npx tsboot run ${TEMPLATE_ENTRY[a.template]} --arch x86_64`);
}
