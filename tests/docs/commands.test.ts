// Every command the docs tell a user to type exists, with the flags they give it: in every
// ```sh block of README.md and docs/*.md, and in every inline `npm run ...`, `npm test ...`,
// `node build/js/...` or `npx tsboot ...` of their text, an npm script must be one of
// package.json's (or, where the docs speak of a `tsboot new` project, one of the project's),
// a `node build/js/<file>.js` must be a compiled file of this tree, and each --flag given
// must be one that the command's own --help lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../lib/toolchain';

interface Use { where: string; command: string }

const DOCS = ['README.md', ...fs.readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const newProject = require(path.join(repoRoot, 'build', 'js', 'toolchain', 'src', 'cli', 'new.js')) as typeof import('../../toolchain/src/cli/new');
/** The scripts of a project `tsboot new` makes. */
const PROJECT_SCRIPTS = (JSON.parse(newProject.packageJson('k', 'kernel', '*')) as { scripts: Record<string, string> }).scripts;
const STARTS = /^(?:npm run |npm test\b|node build\/js\/|node bin\/tsboot\.js |npx tsboot )/;

/** The commands of a shell line: split at && ; | and with the comment and a `$ ` prompt cut. */
function commandsOf(line: string): string[] {
  const code = line.replace(/^\s*\$\s+/, '').replace(/(^|\s)#.*$/, '');
  return code.split(/&&|;|\|(?!\|)/).map((c) => c.trim()).filter((c) => STARTS.test(c));
}

/** `<arch>` (or `*` in a script name) stands for each architecture. */
function expand(cmd: string): string[] {
  const any = /<arch>|(?<=^npm run [\w-]+:)\*/g;
  return any.test(cmd) ? ['x86_64', 'aarch64'].map((a) => cmd.replace(any, a)) : [cmd];
}

function uses(): Use[] {
  const out: Use[] = [];
  for (const doc of DOCS) {
    const lines = fs.readFileSync(path.join(repoRoot, doc), 'utf8').split('\n');
    let fence = '';
    lines.forEach((line, i) => {
      const where = `${doc}:${i + 1}`;
      const f = /^```(\w*)/.exec(line);
      if (f) { fence = fence ? '' : f[1] || 'text'; return; }
      if (fence === 'sh') for (const c of commandsOf(line)) out.push(...expand(c).map((command) => ({ where, command })));
      if (fence) return;
      for (const m of line.matchAll(/`([^`]+)`/g)) {
        // A table cell escapes | as \|; the alternatives of a choice are one argument.
        const span = m[1].replace(/\\\|/g, '|');
        if (STARTS.test(span)) for (const c of commandsOf(span)) out.push(...expand(c).map((command) => ({ where, command })));
      }
    });
  }
  return out;
}

/** The node program and its leading arguments that a command runs ([] for another program). */
function program(cmd: string): { argv: string[]; rest: string } | string {
  let m = /^npm run ([\w:.-]+)(?: -- (.*))?$/.exec(cmd) ?? /^npm (test)(?: -- (.*))?$/.exec(cmd);
  if (m) {
    const script = SCRIPTS[m[1]];
    const own = PROJECT_SCRIPTS[m[1]];
    if (!script && own) return program(`npx ${own}${m[2] ? ` ${m[2]}` : ''}`);
    if (!script) return `npm has no script '${m[1]}' (package.json)`;
    const nodeCmd = /^node (\S+)((?: [^&|;]*)?)$/.exec(script);
    if (!nodeCmd) return m[2] ? `the script '${m[1]}' is not a node command (${script}); its flags cannot be checked` : { argv: [], rest: '' };
    return { argv: [nodeCmd[1], ...nodeCmd[2].trim().split(/\s+/).filter(Boolean)], rest: m[2] ?? '' };
  }
  m = /^node (build\/js\/\S+\.js)(.*)$/.exec(cmd);
  if (m) return { argv: [m[1]], rest: m[2] };
  m = /^(?:node bin\/tsboot\.js|npx tsboot) (\w+)(.*)$/.exec(cmd);
  if (m) return { argv: ['bin/tsboot.js', m[1]], rest: m[2] };
  return `not a command this test knows: ${cmd}`;
}

const helpCache = new Map<string, string>();
function helpOf(argv: string[]): string {
  // Only the script and the fixed arguments that select a subcommand: --help then wins.
  const fixed = argv.filter((a, i) => i === 0 || !a.startsWith('-') && !/^(x86_64|aarch64)$/.test(a));
  const key = fixed.join(' ');
  if (!helpCache.has(key)) {
    const r = spawnSync(process.execPath, [...fixed, '--help'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    helpCache.set(key, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return helpCache.get(key)!;
}

/** The --flags (and -g) a command line gives; `--no-x` is yargs' negation of --x. */
function flags(args: string): string[] {
  return [...args.matchAll(/(?:^|[\s[(|])(--?[a-zA-Z][\w-]*)/g)].map((m) => m[1])
    .filter((f) => !/^-O[0-3z]$/.test(f) && !/^-O\d?\.\.$/.test(f))
    .map((f) => f.replace(/^--no-/, '--'));
}

const all = uses();

test('the docs name commands (a check that finds none checks nothing)', () => {
  assert.ok(all.length >= 40, `only ${all.length} commands found`);
  assert.ok(all.some((u) => u.command.startsWith('npm run docs:check')), 'npm run docs:check is not among them');
});

test('every npm script and compiled file the docs name exists', () => {
  const bad: string[] = [];
  for (const u of all) {
    const p = program(u.command);
    if (typeof p === 'string') { bad.push(`${u.where}: ${p}`); continue; }
    if (p.argv.length && !fs.existsSync(path.join(repoRoot, p.argv[0]))) bad.push(`${u.where}: ${p.argv[0]} does not exist (\`${u.command}\`)`);
  }
  assert.equal(bad, []);
});

test("every flag the docs give a command is in that command's --help", () => {
  const bad: string[] = [];
  for (const u of all) {
    const p = program(u.command);
    if (typeof p === 'string' || !p.argv.length || !fs.existsSync(path.join(repoRoot, p.argv[0]))) continue;
    const given = flags(`${p.argv.slice(1).join(' ')} ${p.rest}`);
    // Only a command given flags is asked for its --help (a test suite named bare just runs).
    const help = given.length ? helpOf(p.argv) : '';
    for (const f of given) {
      if (!new RegExp(`(^|[\\s,[])${f.replace(/[-]/g, '\\-')}(?![\\w-])`, 'm').test(help)) bad.push(`${u.where}: ${f} is not in the --help of \`${u.command}\``);
    }
  }
  assert.equal(bad, []);
});

test('a flag that does not exist is caught (the check can fail)', () => {
  const p = program('npm run qemu:x86_64 -- --no-such-flag');
  assert.ok(typeof p !== 'string');
  const help = helpOf((p as { argv: string[] }).argv);
  assert.ok(help.includes('--firmware'), `the runner's --help is not what this test expects:\n${help}`);
  assert.not.ok(/--such-flag/.test(help));
  assert.is(program('npm run no-such-script'), "npm has no script 'no-such-script' (package.json)");
});

test.run();
