// `npm run docs:check`: re-derives every marked figure and sample output in README.md and
// docs/*.md from the command named next to it and fails when they differ beyond the
// figure's tolerance (markers: scripts/docs/figures.ts; what each one is and how it is
// measured: scripts/docs/registry.ts). `--write` puts fresh measurements into the docs
// instead, in the form the check reads back; `npm run bench -- --write` does the same
// through `measureAndWrite` below.
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { repoRoot } from './paths';
import { compareFigure, FigureSite, findFigures, findSamples, missingSampleLine, SampleSite, unmarkedOutputs, writeFigures } from './docs/figures';
import { figureSpec, FIGURES, LOAD_LIMIT, sampleSpec, SAMPLES, SourceName, SourceResult, SOURCES, Tier, TIERS } from './docs/registry';

type Log = (msg: string) => void;

export interface CheckOptions {
  /** The tree whose docs are read (and written): the repository by default. */
  root: string;
  /** `test`: the cheap items only; `matrix`: every item. */
  tier: Tier;
  /** Only these figure or sample ids (default: every one of the tier). */
  only?: string[];
  log: Log;
  /** Sources measured already; what this run measures is added (one boot serves several checks). */
  cache?: Map<SourceName, SourceResult>;
}

export interface Problem { where: string; id: string; message: string }

const REPO = repoRoot();

function inTier(tier: Tier, itemTier: Tier): boolean {
  return tier === 'matrix' || itemTier === 'test';
}

/** Markers that name nothing, figures that do not parse, commands not named next to them. */
export function lint(root: string): Problem[] {
  const problems: Problem[] = [];
  const figures = findFigures(root, (id) => figureSpec(id)?.kind);
  const samples = findSamples(root);
  for (const s of figures) {
    const spec = figureSpec(s.id);
    const where = `${s.file}:${s.line}`;
    if (!spec) problems.push({ where, id: s.id, message: 'no such figure in scripts/docs/registry.ts' });
    else if (s.text === '') problems.push({ where, id: s.id, message: `the text after the marker is not a ${spec.kind} figure` });
    else if (!s.context.includes(spec.command)) problems.push({ where, id: s.id, message: `its command \`${spec.command}\` is not named next to it` });
  }
  for (const s of samples) {
    const spec = sampleSpec(s.id);
    const where = `${s.file}:${s.line}`;
    if (!spec) problems.push({ where, id: s.id, message: 'no such sample in scripts/docs/registry.ts' });
    else if (!s.context.includes(spec.command) && !s.lines.includes(`$ ${spec.command}`)) {
      problems.push({ where, id: s.id, message: `its command \`${spec.command}\` is not named in the paragraph before it or as its \`$ \` line` });
    }
  }
  for (const u of unmarkedOutputs(root)) {
    problems.push({ where: `${u.file}:${u.line}`, id: '-', message: 'a block of output without <!--sample:ID--> (mark it, or give it a language such as text)' });
  }
  for (const f of FIGURES) if (!figures.some((s) => s.id === f.id)) problems.push({ where: 'scripts/docs/registry.ts', id: f.id, message: 'the figure is in no document' });
  for (const f of SAMPLES) if (!samples.some((s) => s.id === f.id)) problems.push({ where: 'scripts/docs/registry.ts', id: f.id, message: 'the sample is in no document' });
  return problems;
}

/** The 1-minute load average per CPU now. */
export function loadPerCpu(): number {
  return os.loadavg()[0] / os.availableParallelism();
}

/** Why a wall-clock figure cannot be measured fairly in this result ('' when it can). */
function tooBusy(spec: { wallClock?: boolean }, r: SourceResult): string {
  if (!spec.wallClock || (r.load ?? 0) <= LOAD_LIMIT) return '';
  return `a wall-clock figure, and the load average was ${(r.load! * os.availableParallelism()).toFixed(1)} on ` +
    `${os.availableParallelism()} CPUs while it was measured (the limit is ${LOAD_LIMIT} per CPU): rerun on a quieter machine`;
}

/** Runs each source not in `out` yet (sources measured already: a cache, or the benchmark run) and adds it there. */
async function measure(sources: Set<SourceName>, log: Log, out = new Map<SourceName, SourceResult>()): Promise<Map<SourceName, SourceResult>> {
  let k = 0;
  for (const name of sources) {
    k++;
    if (out.has(name)) continue;
    const t0 = Date.now();
    log(`[docs] (${k}/${sources.size}) ${name}`);
    const before = loadPerCpu();
    const r = await SOURCES[name](REPO, log);
    r.load = Math.max(before, loadPerCpu());
    out.set(name, r);
    log(`[docs] (${k}/${sources.size}) ${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s, load ${r.load.toFixed(2)} per CPU`);
  }
  return out;
}

function selected(opts: CheckOptions): { figures: FigureSite[]; samples: SampleSite[] } {
  const want = (id: string, tier: Tier | undefined) => tier !== undefined && inTier(opts.tier, tier) && (!opts.only?.length || opts.only.includes(id));
  return {
    figures: findFigures(opts.root, (id) => figureSpec(id)?.kind).filter((s) => want(s.id, figureSpec(s.id)?.tier)),
    samples: findSamples(opts.root).filter((s) => want(s.id, sampleSpec(s.id)?.tier)),
  };
}

/** Checks the selected figures and samples; returns every disagreement. */
export async function check(opts: CheckOptions): Promise<{ problems: Problem[]; checked: number }> {
  const problems = lint(opts.root);
  const { figures, samples } = selected(opts);
  const sources = new Set<SourceName>([...figures.map((s) => figureSpec(s.id)!.source), ...samples.map((s) => sampleSpec(s.id)!.source)]);
  const results = await measure(sources, opts.log, opts.cache);
  for (const s of figures) {
    const spec = figureSpec(s.id)!;
    if (s.text === '') continue; // reported by lint
    const r = results.get(spec.source)!;
    const busy = tooBusy(spec, r);
    if (busy) {
      const m = r.figures.get(s.id);
      problems.push({ where: `${s.file}:${s.line}`, id: s.id, message: `not checked${m === undefined ? '' : ` (measured ${Number(m.toPrecision(3))})`}: ${busy}` });
      continue;
    }
    const why = compareFigure(spec, s.text, r.figures.get(s.id) ?? NaN);
    if (why) problems.push({ where: `${s.file}:${s.line}`, id: s.id, message: `the docs say ${s.text}; ${why} (\`${spec.command}\`)` });
  }
  for (const s of samples) {
    const spec = sampleSpec(s.id)!;
    const normalise = (line: string) => spec.volatile.reduce((acc, re) => acc.replace(re, '…'),
      (spec.strip ?? []).reduce((acc, re) => acc.replace(re, ''), line.trimEnd()));
    // A `$ ` line is the command typed, not its output.
    const missing = missingSampleLine(s.lines.filter((l) => !l.startsWith('$ ')), results.get(spec.source)!.output, normalise);
    if (missing) {
      const near = missing.nearest ? `; the nearest it printed: '${missing.nearest}'` : '';
      problems.push({ where: `${s.file}:${s.line}`, id: s.id, message: `\`${spec.command}\` printed no line '${missing.line}' (in this order)${near}` });
    }
  }
  return { problems, checked: figures.length + samples.length };
}

/**
 * Measures every figure of the tier (taking `have`, sources already measured, as they are)
 * and writes the figures into the docs. Returns the number of figures changed.
 */
export async function measureAndWrite(opts: CheckOptions, have = new Map<SourceName, SourceResult>()): Promise<number> {
  const { figures } = selected(opts);
  const sources = new Set<SourceName>(figures.map((s) => figureSpec(s.id)!.source));
  const results = await measure(sources, opts.log, new Map([...(opts.cache ?? []), ...have]));
  const values = new Map<string, number>();
  for (const s of figures) {
    const spec = figureSpec(s.id)!;
    const r = results.get(spec.source)!;
    const busy = tooBusy(spec, r);
    if (busy) { opts.log(`[docs] ${s.file}:${s.line}: ${s.id} left as it is: ${busy}`); continue; }
    const v = r.figures.get(s.id);
    if (v !== undefined) values.set(s.id, v);
  }
  const changed = writeFigures(opts.root, values, figureSpec);
  for (const c of changed) opts.log(`[docs] ${c.file}:${c.line}: ${c.id} = ${c.text}`);
  return changed.length;
}

async function main(argv: string[]): Promise<number> {
  const args = await yargs(argv)
    .scriptName('npm run docs:check --')
    .usage(
      '$0 [options]\n\n' +
        'Re-derives every figure marked <!--fig:ID--> and every sample output marked <!--sample:ID--> in README.md and ' +
        'docs/*.md from the command named next to it, and fails when one differs beyond its tolerance (sizes exact, ' +
        'instruction counts and ratios within a few percent, timings within the range the docs state). What each ID is: ' +
        'scripts/docs/registry.ts. Progress on stderr.',
    )
    .option('tier', { choices: TIERS, default: 'matrix' as Tier, describe: 'test: the cheap items (sizes, sample outputs; npm test); matrix: all of them' })
    .option('only', { type: 'string', array: true, describe: 'only these figure or sample ids (comma- or space-separated)' })
    .option('write', { type: 'boolean', default: false, describe: 'measure and write the figures into the docs instead of checking them' })
    .option('root', { type: 'string', describe: 'read the docs of this tree instead of the repository (measurements still come from the repository)' })
    .option('list', { type: 'boolean', default: false, describe: 'list the marked figures and samples with their commands, measure nothing' })
    .example('$0 --tier test', 'the cheap checks, as npm test runs them')
    .example('$0 --only efi.x86_64,kernel.x86_64', 'two figures')
    .example('$0 --write --tier test', 'refresh the image sizes')
    .strict()
    .help()
    .version(false)
    .parse();
  const log: Log = (m) => process.stderr.write(m + '\n');
  const only = (args.only ?? []).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((id) => !figureSpec(id) && !sampleSpec(id));
  if (unknown.length) {
    process.stderr.write(`docs:check: unknown id ${unknown.join(', ')}; see --list\n`);
    return 1;
  }
  const opts: CheckOptions = { root: path.resolve(args.root ?? REPO), tier: args.tier, only, log };
  if (args.list) {
    for (const s of findFigures(opts.root, (id) => figureSpec(id)?.kind)) {
      const spec = figureSpec(s.id);
      process.stdout.write(`${s.file}:${s.line}  ${s.id}  ${s.text}  [${spec?.tier ?? '?'}] ${spec?.command ?? '(unknown id)'}\n`);
    }
    for (const s of findSamples(opts.root)) {
      const spec = sampleSpec(s.id);
      process.stdout.write(`${s.file}:${s.line}  sample ${s.id}, ${s.lines.length} lines  [${spec?.tier ?? '?'}] ${spec?.command ?? '(unknown id)'}\n`);
    }
    return 0;
  }
  if (args.write) {
    const n = await measureAndWrite(opts);
    process.stdout.write(`docs:check: ${n} figure(s) rewritten\n`);
    return 0;
  }
  const { problems, checked } = await check(opts);
  for (const p of problems) process.stdout.write(`${p.where}: ${p.id}: ${p.message}\n`);
  process.stdout.write(problems.length
    ? `docs:check: ${problems.length} problem(s) in ${checked} item(s) checked (tier ${opts.tier})\n`
    : `docs:check: ${checked} item(s) agree with their commands (tier ${opts.tier})\n`);
  return problems.length ? 1 : 0;
}

if (require.main === module) {
  main(hideBin(process.argv)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`docs:check: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
