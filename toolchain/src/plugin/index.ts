// tsboot's tsserver plugin (`"plugins": [{ "name": "tsboot/plugin" }]`, which
// tsboot/tsconfig.json sets): editors on tsserver (VS Code and others) show tsboot's own
// diagnostics next to TypeScript's. To tsc every machine type is `number`, so widths,
// signedness, literal ranges and everything outside the subset go unseen until compile time;
// the plugin runs the compiler's front end (parse and check) on the project as the editor
// holds it, unsaved edits included, and adds its errors to getSemanticDiagnostics.
//
// The program it checks is its own, made with the compiler's options, std library and
// ambient declarations, and with the compiler's copy of TypeScript: syntax trees of another
// TypeScript version (the editor's) are never handed to the checker. Files are re-parsed
// only when the editor's version of them changes (the old program's trees are reused), and
// the project is re-checked only when one of its files changed. Nothing the plugin does can
// take tsserver down: any failure is logged and the editor keeps TypeScript's diagnostics.
//
// Options (next to `name` in tsconfig): `target`, the compiler target to check for (default
// x86_64-uefi when a root file's main takes (image, systemTable), else x86_64-elf).
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Checker } from '../check/checker';
import { Diagnostic, Diagnostics } from '../diagnostics';
import { libFiles, stdFiles, subsetCompilerOptions } from '../parse/program';
import { getTarget, TARGET_NAMES } from '../targets';
import { programKindOfText, targetOf } from '../cli/project';

/** The code of tsboot's diagnostics in the editor (TypeScript's own are below 20000). */
const TSBOOT_DIAGNOSTIC_CODE = 91000;

interface PluginConfig {
  target?: string;
}

/** One check of the whole project: a key naming the file versions it saw, and its errors. */
interface CheckResult {
  key: string;
  byFile: Map<string, Diagnostic[]>;
}

/** The plugin's own view of a project, re-checked when the editor's files change. */
class ProjectChecker {
  private program: ts.Program | undefined;
  private readonly parsed = new Map<string, { version: string; sf: ts.SourceFile }>();
  private last: CheckResult | undefined;

  constructor(private readonly host: ts.LanguageServiceHost, private readonly log: (s: string) => void, private config: PluginConfig) {}

  setConfig(config: PluginConfig): void {
    this.config = config;
    this.last = undefined;
  }

  /** tsboot's errors in `fileName` (absolute, as tsserver names it). */
  diagnosticsFor(fileName: string): Diagnostic[] {
    const roots = this.host.getScriptFileNames().filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    if (!roots.some((f) => path.resolve(f) === path.resolve(fileName))) return [];
    const key = roots.map((f) => `${f}@${this.host.getScriptVersion(f)}`).join('|') + `#${this.config.target ?? ''}`;
    if (this.last?.key !== key) this.last = { key, byFile: this.check(roots) };
    return this.last.byFile.get(path.resolve(fileName)) ?? [];
  }

  private targetName(roots: string[]): string {
    const t = this.config.target;
    if (t !== undefined && TARGET_NAMES.includes(t)) return t;
    if (t !== undefined) this.log(`tsboot plugin: unknown target '${t}' in tsconfig (use one of ${TARGET_NAMES.join(', ')}); using the default`);
    return targetOf(roots.some((f) => this.isEfiApp(f)) ? 'efi-app' : 'kernel', 'x86_64');
  }

  private isEfiApp(file: string): boolean {
    const snap = this.host.getScriptSnapshot(file);
    return snap !== undefined && programKindOfText(file, snap.getText(0, snap.getLength())) === 'efi-app';
  }

  /** The text the editor holds for a project file (its snapshot), else the file on disk
   *  (the std library, the declarations, packages): the editor's host is asked only about
   *  its own files, since asking about others would attach them to its project. */
  private text(file: string, known: Set<string>): { version: string; text: () => string | undefined } {
    if (known.has(file)) {
      return {
        version: this.host.getScriptVersion(file),
        text: () => {
          const snap = this.host.getScriptSnapshot(file);
          return snap ? snap.getText(0, snap.getLength()) : undefined;
        },
      };
    }
    return {
      version: `disk:${mtime(file)}`,
      text: () => {
        try {
          return fs.readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
    };
  }

  private sourceFile(file: string, languageVersion: ts.ScriptTarget, known: Set<string>): ts.SourceFile | undefined {
    const t = this.text(file, known);
    const have = this.parsed.get(file);
    if (have && have.version === t.version) return have.sf;
    const text = t.text();
    if (text === undefined) return undefined;
    const sf = ts.createSourceFile(file, text, languageVersion, true);
    this.parsed.set(file, { version: t.version, sf });
    return sf;
  }

  private check(roots: string[]): Map<string, Diagnostic[]> {
    const target = getTarget(this.targetName(roots));
    const std = stdFiles(target);
    const known = new Set(this.host.getScriptFileNames());
    const host = ts.createCompilerHost(subsetCompilerOptions, true);
    host.getSourceFile = (file, lang) => this.sourceFile(file, typeof lang === 'object' ? lang.languageVersion : lang, known);
    host.fileExists = (file) => known.has(file) || ts.sys.fileExists(file);
    host.readFile = (file) => this.text(file, known).text();
    const program = ts.createProgram({ rootNames: [...libFiles(), ...std, ...roots], options: subsetCompilerOptions, host, oldProgram: this.program });
    this.program = program;
    const entry = program.getSourceFile(roots[0]);
    const byFile = new Map<string, Diagnostic[]>();
    if (!entry) return byFile;
    // Syntax errors are TypeScript's to report; the checker needs a tree without them.
    if (program.getSyntacticDiagnostics().length > 0) return byFile;
    const diags = new Diagnostics();
    const parsed = {
      program, checker: program.getTypeChecker(), entry,
      std: std.map((f) => program.getSourceFile(f)).filter((sf): sf is ts.SourceFile => sf !== undefined),
    };
    new Checker(parsed, target, diags).run({ requireMain: false });
    for (const d of diags.list) {
      if (d.fileName === undefined) continue;
      const f = path.resolve(d.fileName);
      if (!byFile.has(f)) byFile.set(f, []);
      byFile.get(f)!.push(d);
    }
    return byFile;
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The plugin factory tsserver calls; `typescript` is the editor's (used only for the
 *  diagnostics handed back to it). */
function init(modules: { typescript: typeof ts }) {
  const tsLib = modules.typescript;
  const checkers: ProjectChecker[] = [];
  return {
    create(info: ts.server.PluginCreateInfo): ts.LanguageService {
      const log = (s: string) => info.project.projectService.logger.info(s);
      const pc = new ProjectChecker(info.languageServiceHost, log, (info.config ?? {}) as PluginConfig);
      checkers.push(pc);
      const ls = info.languageService;
      const proxy = Object.create(null) as ts.LanguageService;
      for (const k of Object.keys(ls) as (keyof ts.LanguageService)[]) {
        const f = ls[k] as unknown as (...args: unknown[]) => unknown;
        (proxy as unknown as Record<string, unknown>)[k] = (...args: unknown[]) => f.apply(ls, args);
      }
      let failedKey: string | undefined;
      proxy.getSemanticDiagnostics = (fileName: string) => {
        const prior = ls.getSemanticDiagnostics(fileName);
        try {
          const sf = ls.getProgram()?.getSourceFile(fileName);
          if (!sf) return prior;
          const ours = pc.diagnosticsFor(fileName).map((d): ts.Diagnostic => ({
            file: sf,
            start: d.start,
            length: d.length,
            messageText: d.message,
            category: d.severity === 'warning' ? tsLib.DiagnosticCategory.Warning : tsLib.DiagnosticCategory.Error,
            code: TSBOOT_DIAGNOSTIC_CODE,
            source: 'tsboot',
          }));
          failedKey = undefined;
          return [...prior, ...ours];
        } catch (e) {
          // A checker failure on code being typed must never reach tsserver; log it once.
          const key = `${fileName}@${info.languageServiceHost.getScriptVersion(fileName)}`;
          if (failedKey !== key) log(`tsboot plugin: checking ${fileName} failed: ${(e as Error)?.stack ?? String(e)}`);
          failedKey = key;
          return prior;
        }
      };
      log(`tsboot plugin: enabled for ${info.project.getProjectName()}`);
      return proxy;
    },
    onConfigurationChanged(config: PluginConfig): void {
      for (const pc of checkers) pc.setConfig(config);
    },
  };
}

export = init;
