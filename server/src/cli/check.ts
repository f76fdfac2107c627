import { resolve } from 'node:path';
import {
  analyze,
  applyEdits,
  findLinks,
  fromSource,
  isIncluded,
  LineIndex,
  mergeSettings,
  safeFixEdits,
  SEVERITY_RANK,
  settingsForPath,
  type FileAnalysis,
  type Settings,
  type Severity,
} from '../core/index';
import { checkedFile, type CheckedFile } from './check-result';
import { expandPaths, findPins, findProjectConfig, readText, relativeTo, writeAtomically } from './files';
import type { ShellParser } from '../core/shell/syntax';
import { resolveLinks } from './file-context';
import { fileAtRevision } from '../node/git-baseline';
import { megatronArgumentsOf, repositoryRoot } from '../node/repository';
import type { LinkedFile } from '../core/index';
import type { PythonParser } from '../core/python/syntax';
import { programOfScript } from '../node/program-files';
import { linkTargetPath } from './file-context';
import { duringOneRun } from '../node/git-folders';

export interface CheckOptions {
  paths: string[];
  /** Settings from command-line flags: they override the project file. */
  flags: Settings;
  fix: boolean;
  failOn: Severity;
  /** The loaded shell parser for launch scripts (see server/src/node/shell-parser.ts); without it scripts are skipped. */
  shellParser?: ShellParser;
  /** The loaded Python parser (server/src/node/python-parser.ts): reads the programs launch scripts run; without it their arguments stay unknown. */
  pythonParser?: PythonParser;
  /** A git revision whose version of each file rules that judge a change compare with (`--baseline REV`). */
  baseline?: string;
}

export interface CheckOutcome {
  files: CheckedFile[];
  /** Messages for stderr: project-file problems, what --fix changed. */
  notes: string[];
  exitCode: 0 | 1;
}

interface Candidate {
  path: string;
  text: string;
  projectSettings: Settings;
  /** The folder given on the command line that holds the file: the repository root when no `.git` is found above it. */
  checkedFolder?: string;
  baseline?: { text: string; path: string };
}

let shellParser: ShellParser | undefined;
let pythonParser: PythonParser | undefined;

function analyzeWith(candidate: Candidate, flags: Settings, linkContext?: Settings, linked?: LinkedFile[]): FileAnalysis {
  const settings = mergeSettings(candidate.projectSettings, linkContext, flags);
  const analysis = analyze(candidate.text, { path: candidate.path, settings, shellParser, linked, baseline: candidate.baseline });
  // A launch script whose program is a Python file of the repository: its flags are judged by that program's arguments.
  const program = programOfScript(candidate.path, analysis, pythonParser, candidate.checkedFolder);
  return program ? analyze(candidate.text, { path: candidate.path, settings: { ...settings, program }, shellParser, linked, baseline: candidate.baseline }) : analysis;
}

/** Checks the files; folder facts (which folders hold `.git`) are asked once per folder for the whole run. */
export function runCheck(options: CheckOptions): CheckOutcome {
  return duringOneRun(() => checkFiles(options));
}

function checkFiles(options: CheckOptions): CheckOutcome {
  shellParser = options.shellParser;
  pythonParser = options.pythonParser;
  const folders = options.paths.map((p) => resolve(p));
  const notes: string[] = [];
  const explicit = new Set(options.paths.map((p) => resolve(p)));
  const reportedProjects = new Set<string>();
  const candidates: Candidate[] = [];
  for (const path of expandPaths(options.paths)) {
    const project = findProjectConfig(path);
    let projectSettings: Settings = findPins(path);
    if (project) {
      const rel = relativeTo(project.dir, path);
      if (!explicit.has(resolve(path)) && !isIncluded(project.config, rel)) continue;
      projectSettings = mergeSettings(projectSettings, settingsForPath(project.config, rel));
      if (!reportedProjects.has(project.path)) {
        reportedProjects.add(project.path);
        const lines = new LineIndex(readText(project.path));
        for (const p of project.config.problems) {
          const at = lines.positionAt(p.range.start);
          notes.push(`${project.path}:${at.line + 1}:${at.character + 1}: ${p.message}`);
        }
      }
    }
    // A repository with its own Megatron arguments file (a fork) decides its scripts' flags; the root is the nearest folder
    // with .git, else the folder checked (or the working folder a file was named from).
    const megatronArguments = megatronArgumentsOf(repositoryRoot(path, [...options.paths, process.cwd()]));
    if (megatronArguments) projectSettings = { ...projectSettings, megatronArguments };
    const baseline = options.baseline ? fileAtRevision(path, options.baseline) : undefined;
    const checkedFolder = folders.find((f) => resolve(path).startsWith(`${f}/`));
    candidates.push({ path, text: readText(path), projectSettings, baseline, checkedFolder });
  }

  // A file that points to another (accelerate's deepspeed_config_file, TrainingArguments' deepspeed)
  // tells us who reads the target and, sometimes, the world size: analyse the target in that context.
  const first = candidates.map((c) => analyzeWith(c, options.flags));
  const contexts = new Map<string, Settings>();
  first.forEach((analysis, i) => {
    for (const link of findLinks(analysis)) {
      const context = link.context.linkedFrom ? { ...link.context, linkedFrom: { ...link.context.linkedFrom, path: candidates[i].path } } : link.context;
      contexts.set(linkTargetPath(candidates[i].path, link, candidates[i].checkedFolder, analysis), context);
    }
  });

  const files: CheckedFile[] = [];
  candidates.forEach((candidate, i) => {
    const context = contexts.get(resolve(candidate.path));
    // Files it points to are read and analysed in the context the link gives them (cross-file rules compare both).
    const linked = findLinks(first[i]).length > 0 ? resolveLinks(candidate.path, first[i], options.flags, shellParser, candidate.checkedFolder) : undefined;
    let analysis = context || linked ? analyzeWith(candidate, options.flags, context, linked) : first[i];
    if (options.fix) {
      const fixed = fixFile(candidate, analysis, (text) => analyzeWith({ ...candidate, text }, options.flags, context, linked));
      if (fixed.applied > 0) notes.push(`${candidate.path}: applied ${fixed.applied} safe fix${fixed.applied === 1 ? '' : 'es'}`);
      analysis = fixed.analysis;
    }
    if (analysis.format === 'unknown' && analysis.diagnostics.length === 0) return; // Not a training config.
    files.push(checkedFile(candidate.path, analysis));
  });

  const threshold = SEVERITY_RANK[options.failOn];
  const failing = files.some((f) => f.analysis.diagnostics.some((d) => SEVERITY_RANK[d.severity] >= threshold));
  return { files, notes, exitCode: failing ? 1 : 0 };
}

/** Applies safe fixes until none is left (bounded), writes the file once, and returns the re-checked analysis. */
function fixFile(candidate: Candidate, analysis: FileAnalysis, reanalyze: (text: string) => FileAnalysis): { analysis: FileAnalysis; applied: number } {
  let current = analysis;
  let applied = 0;
  for (let round = 0; round < 5; round++) {
    const { fixes, edits } = safeFixEdits(current.diagnostics);
    if (edits.length === 0) break;
    const { text } = applyEdits(current.text, edits);
    applied += fixes.length;
    current = reanalyze(fromSource({ text, hadBom: current.hadBom }));
  }
  if (applied > 0) writeAtomically(candidate.path, fromSource({ text: current.text, hadBom: current.hadBom }));
  return { analysis: current, applied };
}
