// Figures and sample outputs in README.md and docs/*.md, in a form a program can check.
//
// A figure is written right after a marker that names it:
//
//   | BOOTX64.EFI | <!--fig:efi.x86_64-->64,000 B, built -Oz | `npm run build -- ... ` |
//
// The marker is an HTML comment, so the rendered page shows only the figure. What follows
// the marker is read by the figure's kind (one grammar per kind, below):
//
//   bytes   64,000 B       exact, unless the figure states a tolerance in bytes
//   count   1,634,908      instructions; within the stated relative tolerance
//   ratio   0.94×          within the stated absolute tolerance
//   range   130–290 ms     a timing: the measurement must fall inside (ms, s, MiB/s or ×,
//           the last for a time ratio against a peer: 0.60–1.4×)
//
// A sample output is a fenced block right after `<!--sample:ID-->`; its lines must appear,
// in order, in the output of the command that ID names (scripts/docs/registry.ts), after
// both sides went through the sample's normalisers (times, dates, addresses).
//
// This module is the one reader and writer of both: `npm run docs:check` reads figures
// with it and `npm run bench -- --write` / `npm run docs:check -- --write` write them with
// it, so whatever the writer writes the checker accepts.
import * as fs from 'fs';
import * as path from 'path';

export type FigureKind = 'bytes' | 'count' | 'ratio' | 'range';
export type RangeUnit = 'ms' | 's' | 'MiB/s' | '×';

/** How a figure is written and how far a measurement may be from it. */
export interface FigureFormat {
  kind: FigureKind;
  /** range: its unit (the measurement is given in that unit). */
  unit?: RangeUnit;
  /** bytes: bytes either way (default 0); count: relative (0.02 = ±2 %); ratio: absolute. */
  tolerance?: number;
  /** range: the range --write puts around a measurement m is [m / band, m × band]. */
  band?: number;
}

/** A figure as it stands in a document. */
export interface FigureSite {
  id: string;
  file: string;
  /** 1-based line of the marker. */
  line: number;
  /** The figure's text after the marker ('' when it does not parse). */
  text: string;
  /** The paragraph (or table row) holding the marker: where its command must be named. */
  context: string;
}

/** A sample block as it stands in a document. */
export interface SampleSite {
  id: string;
  file: string;
  line: number;
  lines: string[];
  /** The paragraph before the block: where its command must be named. */
  context: string;
}

const MARKER = /<!--fig:([\w.-]+)-->/g;
const SAMPLE_MARKER = /^<!--sample:([\w.-]+)-->$/;

const NUM = String.raw`\d{1,3}(?:,\d{3})*`;
const DEC = String.raw`\d+(?:\.\d+)?`;
const GRAMMAR: Record<FigureKind, RegExp> = {
  bytes: new RegExp(`^(${NUM}) B`),
  count: new RegExp(`^(${NUM})`),
  ratio: /^(\d+\.\d\d)×/,
  range: new RegExp(`^(${DEC})–(${DEC})(?: (ms|s|MiB/s)\\b|(×))`),
};

/** The figure text at the start of `s` for this kind, or ''. */
export function figureText(kind: FigureKind, s: string): string {
  return GRAMMAR[kind].exec(s)?.[0] ?? '';
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const plain = (s: string) => Number(s.replace(/,/g, ''));

/** Two significant digits, rounded down (dir -1) or up (dir +1). */
function round2(x: number, dir: -1 | 1): number {
  if (!(x > 0)) return 0;
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  const v = (dir < 0 ? Math.floor(x / step) : Math.ceil(x / step)) * step;
  return Number(v.toPrecision(2));
}

/** The text --write puts after a marker for measurement `m`. */
export function formatFigure(f: FigureFormat, m: number): string {
  switch (f.kind) {
    case 'bytes': return `${thousands(m)} B`;
    case 'count': return thousands(m);
    case 'ratio': return `${m.toFixed(2)}×`;
    case 'range': {
      const band = f.band ?? 1.5;
      const unit = f.unit ?? 'ms';
      return `${round2(m / band, -1)}–${round2(m * band, 1)}${unit === '×' ? '×' : ` ${unit}`}`;
    }
  }
}

/** Why measurement `m` does not agree with the figure text `text` ('' when it does). */
export function compareFigure(f: FigureFormat, text: string, m: number): string {
  const g = GRAMMAR[f.kind].exec(text);
  if (!g) return `'${text.slice(0, 30)}' is not a ${f.kind} figure (${GRAMMAR[f.kind].source})`;
  if (!Number.isFinite(m)) return 'the command gave no measurement';
  const tol = f.tolerance ?? 0;
  switch (f.kind) {
    case 'bytes': {
      const d = plain(g[1]);
      return Math.abs(m - d) <= tol ? '' : `measured ${thousands(m)} B${tol ? ` (tolerance ±${tol} B)` : ''}`;
    }
    case 'count': {
      const d = plain(g[1]);
      return Math.abs(m - d) <= tol * d ? '' : `measured ${thousands(m)} (tolerance ±${(tol * 100).toFixed(1)} %)`;
    }
    case 'ratio': {
      const d = Number(g[1]);
      return Math.abs(m - d) <= tol + 1e-9 ? '' : `measured ${m.toFixed(2)}× (tolerance ±${tol.toFixed(2)})`;
    }
    case 'range': {
      const lo = Number(g[1]), hi = Number(g[2]);
      const unit = g[3] ?? g[4];
      if (unit !== (f.unit ?? 'ms')) return `the range is in ${unit}, the figure is measured in ${f.unit ?? 'ms'}`;
      return m >= lo && m <= hi ? '' : `measured ${Number(m.toPrecision(3))}${unit === '×' ? '×' : ` ${unit}`}, outside ${lo}–${hi}`;
    }
  }
}

/** The markers of a line, except those inside `code` (an example of the syntax). */
function markers(line: string): RegExpMatchArray[] {
  return [...line.matchAll(MARKER)].filter((m) => (line.slice(0, m.index).match(/`/g)?.length ?? 0) % 2 === 0);
}

/** The paragraph around line index i (a table row is its own paragraph). */
function paragraph(lines: string[], i: number): string {
  if (lines[i].trimStart().startsWith('|')) return lines[i];
  let a = i, b = i;
  while (a > 0 && lines[a - 1].trim() !== '' && !lines[a - 1].startsWith('```')) a--;
  while (b < lines.length - 1 && lines[b + 1].trim() !== '' && !lines[b + 1].startsWith('```')) b++;
  return lines.slice(a, b + 1).join('\n');
}

/** The documents the checker reads: README.md and docs/*.md under `root`. */
export function docFiles(root: string): string[] {
  const docs = path.join(root, 'docs');
  const md = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f)) : [];
  return ['README.md', ...md].filter((f) => fs.existsSync(path.join(root, f)));
}

/** Every figure marker in the documents, with the text after it read by `kindOf(id)`. */
export function findFigures(root: string, kindOf: (id: string) => FigureKind | undefined): FigureSite[] {
  const out: FigureSite[] = [];
  for (const file of docFiles(root)) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((l, i) => {
      for (const m of markers(l)) {
        const kind = kindOf(m[1]);
        const after = l.slice(m.index! + m[0].length);
        out.push({ id: m[1], file, line: i + 1, text: kind ? figureText(kind, after) : '', context: paragraph(lines, i) });
      }
    });
  }
  return out;
}

/** Fenced blocks with no language and no sample marker: output nothing checks. */
export function unmarkedOutputs(root: string): { file: string; line: number }[] {
  const out: { file: string; line: number }[] = [];
  for (const file of docFiles(root)) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    let open = false;
    lines.forEach((l, i) => {
      if (!l.startsWith('```')) return;
      if (!open && l.trim() === '```' && !SAMPLE_MARKER.test(lines[i - 1]?.trim() ?? '')) out.push({ file, line: i + 1 });
      open = !open;
    });
  }
  return out;
}

/** Every sample block in the documents. */
export function findSamples(root: string): SampleSite[] {
  const out: SampleSite[] = [];
  for (const file of docFiles(root)) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = SAMPLE_MARKER.exec(l.trim());
      if (!m || !lines[i + 1]?.startsWith('```')) return;
      let j = i + 2;
      while (j < lines.length && !lines[j].startsWith('```')) j++;
      let p = i - 1;
      while (p >= 0 && lines[p].trim() === '') p--;
      out.push({ id: m[1], file, line: i + 1, lines: lines.slice(i + 2, j), context: p >= 0 ? paragraph(lines, p) : '' });
    });
  }
  return out;
}

/**
 * Rewrites every marked figure whose id has a measurement in `values`; returns the sites
 * it changed. Text after the figure is left as it is.
 */
export function writeFigures(root: string, values: ReadonlyMap<string, number>, formatOf: (id: string) => FigureFormat | undefined): FigureSite[] {
  const changed: FigureSite[] = [];
  for (const file of docFiles(root)) {
    const full = path.join(root, file);
    const before = fs.readFileSync(full, 'utf8');
    const lines = before.split('\n').map((l, i) => {
      // Last marker first, so that the earlier markers' positions stay valid.
      for (const mk of markers(l).reverse()) {
        const id = mk[1];
        const f = formatOf(id);
        const m = values.get(id);
        if (!f || m === undefined || !Number.isFinite(m)) continue;
        const at = mk.index! + mk[0].length;
        const old = figureText(f.kind, l.slice(at));
        // A range that still holds the measurement stays as written: it states the spread seen.
        if (f.kind === 'range' && old && compareFigure(f, old, m) === '') continue;
        const text = formatFigure(f, m);
        if (text === old) continue;
        l = l.slice(0, at) + text + l.slice(at + old.length);
        changed.push({ id, file, line: i + 1, text, context: '' });
      }
      return l;
    });
    const text = lines.join('\n');
    if (text !== before) fs.writeFileSync(full, text);
  }
  return changed;
}

/**
 * A sample's lines and an output agree when each sample line, normalised, appears in the
 * normalised output, in order. Returns the first sample line that is not found and the
 * output line after the last match that starts most like it (for the message), or
 * undefined when all are found.
 */
export function missingSampleLine(sample: readonly string[], output: string, normalise: (s: string) => string): { line: string; nearest: string } | undefined {
  const raw = output.split('\n');
  const out = raw.map(normalise);
  let at = 0;
  for (const line of sample) {
    const want = normalise(line);
    if (want.trim() === '') continue;
    const k = out.indexOf(want, at);
    if (k >= 0) { at = k + 1; continue; }
    const common = (s: string) => { let n = 0; while (n < s.length && s[n] === want[n]) n++; return n; };
    let best = -1;
    for (let i = at; i < out.length; i++) if (best < 0 || common(out[i]) > common(out[best])) best = i;
    return { line, nearest: best >= 0 && common(out[best]) >= 8 ? raw[best].trim() : '' };
  }
  return undefined;
}
