// -g: DWARF line tables for ELF targets and CodeView for PE, so GDB and LLDB show source
// lines. Each function gets a DISubprogram; statements and expressions get DILocations.
import * as ts from 'typescript';
import * as path from 'path';
import { ModuleBuilder } from '../emit/ir';
import { FuncInfo } from '../check/entities';
import { Target } from '../targets';

export class DebugInfo {
  private files = new Map<string, string>();
  private cu: string;
  private subroutineType: string;
  private scope = '';
  private locs = new Map<string, string>();
  /** The source file of the function being lowered: node.getSourceFile() walks every parent. */
  private sf: ts.SourceFile | undefined;

  constructor(private readonly mod: ModuleBuilder, target: Target) {
    const cuFile = this.mod.metadata(`!DIFile(filename: "tsboot", directory: "${esc(process.cwd())}")`);
    this.cu = this.mod.metadata(`!DICompileUnit(language: DW_LANG_C99, file: ${cuFile}, producer: "tsboot", `
      + 'isOptimized: true, runtimeVersion: 0, emissionKind: LineTablesOnly)', true);
    this.subroutineType = this.mod.metadata('!DISubroutineType(types: !{})');
    this.mod.namedMetadata('llvm.dbg.cu', [this.cu]);
    this.mod.moduleFlag('i32 2, !"Debug Info Version", i32 3');
    if (target.os === 'uefi') this.mod.moduleFlag('i32 2, !"CodeView", i32 1');
    else this.mod.moduleFlag('i32 7, !"Dwarf Version", i32 4');
  }

  private file(sf: ts.SourceFile): string {
    let f = this.files.get(sf.fileName);
    if (!f) {
      const name = esc(path.basename(sf.fileName));
      const dir = esc(path.dirname(path.resolve(sf.fileName)));
      f = this.mod.metadata(`!DIFile(filename: "${name}", directory: "${dir}")`);
      this.files.set(sf.fileName, f);
    }
    return f;
  }

  subprogram(f: FuncInfo): string {
    const sf = f.decl.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition(f.decl.getStart(sf)).line + 1;
    const file = this.file(sf);
    this.scope = this.mod.metadata(`!DISubprogram(name: "${esc(f.name)}", linkageName: "${esc(f.irName)}", `
      + `scope: ${file}, file: ${file}, line: ${line}, type: ${this.subroutineType}, scopeLine: ${line}, `
      + `spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: ${this.cu})`, true);
    this.locs.clear();
    this.sf = sf;
    return this.scope;
  }

  /** A DILocation in the function of the last subprogram() (and its source file). */
  location(node: ts.Node): string {
    const sf = this.sf!;
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const key = `${line}:${character}`;
    let l = this.locs.get(key);
    if (!l) {
      l = this.mod.metadata(`!DILocation(line: ${line + 1}, column: ${character + 1}, scope: ${this.scope})`);
      this.locs.set(key, l);
    }
    return l;
  }

}

function esc(s: string): string { return s.replace(/\\/g, '\\5C').replace(/"/g, '\\22'); }
