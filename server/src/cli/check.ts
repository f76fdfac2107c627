import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import {
  analyze,
  applyEdits,
  findLinks,
  fromSource,
  isIncluded,
  LineIndex,
  mergeSettings,
  notReadAnalysis,
  safeFixEdits,
  SEVERITY_RANK,
  settingsForPath,
  type FileAnalysis,
  type Settings,
  type Severity,
} from '../core/index';
import { checkedAnalysis, checkedFile, type CheckedAnalysis, type CheckedFile, type SkippedFile } from './check-result';
import { expandPaths, findPins, findProjectConfig, readCheckedFile, relativeTo } from './files';
import { writeFilesSafely, WriteRefused } from '../node/safe-write';
import { editProblem } from '../core/fix/edit-problem';
import type { ShellParser } from '../core/shell/syntax';
import { resolveLinks } from './file-context';
import { fileAtRevision } from '../node/git-baseline';
import { megatronArgumentsOf, repositoryRoot } from '../node/repository';
import type { LinkedFile } from '../core/index';
import type { PythonParser } from '../core/python/syntax';
import { scriptSettings } from '../node/program-files';
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
  /** Launch scripts of supported trainers that were not checked, with the reason. */
  skipped: SkippedFile[];
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
  /** Why the file was not read (readRegularFile); its text is then empty and its analysis one file-not-read finding. */
  notRead?: { reason: string; severity?: 'warning' };
}

let shellParser: ShellParser | undefined;
let pythonParser: PythonParser | undefined;

function analyzeWith(candidate: Candidate, flags: Settings, linkContext?: Settings, linked?: LinkedFile[]): FileAnalysis {
  const settings = mergeSettings(candidate.projectSettings, linkContext, flags);
  if (candidate.notRead) return notReadAnalysis({ path: candidate.path, settings }, candidate.notRead.reason, candidate.notRead.severity);
  const analysis = analyze(candidate.text, { path: candidate.path, settings, shellParser, linked, baseline: candidate.baseline });
  // A launch script whose program is a Python file of the repository: its flags are judged by that program's arguments;
  // one that runs it from a folder the repository does not hold: that checkout's release decides.
  const more = scriptSettings(candidate.path, analysis, pythonParser, candidate.checkedFolder);
  return Object.keys(more).length > 0 ? analyze(candidate.text, { path: candidate.path, settings: { ...settings, ...more }, shellParser, linked, baseline: candidate.baseline }) : analysis;
}

/** Checks the files in this thread; folder facts (which folders hold `.git`) are asked once per folder for the whole run. */
export function runCheck(options: CheckOptions): CheckOutcome {
  return duringOneRun(() => {
    shellParser = options.shellParser;
    pythonParser = options.pythonParser;
    const notes: string[] = [];
    const candidates = candidatesOf(options.paths, options.baseline, notes);
    const firsts = candidates.map((c) => firstPass(c, options.flags, options.fix));
    const contexts = linkContexts(firsts);
    let refused = false;
    const analyses = candidates.map((candidate, i) => {
      const context = contexts.get(resolve(candidate.path));
      const first = firsts[i];
      let analysis: CheckedAnalysis;
      if (options.fix) {
        const linked = linkedOf(candidate, first, options.flags);
        const current = context || linked ? analyzeWith(candidate, options.flags, context, linked) : first.analysis!;
        const fixed = fixFile(candidate, current, (text) => analyzeWith({ ...candidate, text }, options.flags, context, linked));
        if (fixed.applied > 0) notes.push(`${candidate.path}: applied ${fixed.applied} safe fix${fixed.applied === 1 ? '' : 'es'}`);
        if (fixed.refused) {
          notes.push(`trainlint: ${fixed.refused}`);
          refused = true;
        }
        analysis = fixed.analysis;
      } else {
        analysis = needsSecondPass(first, context) ? secondPass(candidate, first, options.flags, context) : first.result!;
      }
      return analysis;
    });
    const outcome = outcomeOf(candidates, analyses, notes, options.failOn);
    // A fix that was asked for and not written fails the run, whatever the findings.
    return refused ? { ...outcome, exitCode: 1 } : outcome;
  });
}

/** The files reported (a file that is no training config is not) and the launch scripts skipped, in the candidates' order. */
function outcomeOf(candidates: Candidate[], analyses: Array<CheckedAnalysis | FileAnalysis>, notes: string[], failOn: Severity): CheckOutcome {
  const files: CheckedFile[] = [];
  const skipped: SkippedFile[] = [];
  candidates.forEach((candidate, i) => {
    const analysis = checkedAnalysis(analyses[i]);
    if (analysis.format !== 'unknown' || analysis.diagnostics.length > 0) files.push(checkedFile(candidate.path, analysis));
    else if (analysis.skippedLaunch) skipped.push({ path: candidate.path, reason: analysis.skippedLaunch });
  });
  const threshold = SEVERITY_RANK[failOn];
  const failing = files.some((f) => f.analysis.diagnostics.some((d) => SEVERITY_RANK[d.severity] >= threshold));
  return { files, skipped, notes, exitCode: failing ? 1 : 0 };
}

/** The files to check, each with the settings of its project file and workspace pins; project-file problems go to `notes`. */
function candidatesOf(paths: string[], baselineRevision: string | undefined, notes: string[], expanded = expandPaths(paths)): Candidate[] {
  const folders = paths.map((p) => resolve(p));
  const explicit = new Set(paths.map((p) => resolve(p)));
  const reportedProjects = new Set<string>();
  const candidates: Candidate[] = [];
  for (const path of expanded) {
    const project = findProjectConfig(path);
    let projectSettings: Settings = findPins(path);
    if (project) {
      const rel = relativeTo(project.dir, path);
      if (!explicit.has(resolve(path)) && !isIncluded(project.config, rel)) continue;
      projectSettings = mergeSettings(projectSettings, settingsForPath(project.config, rel));
      if (!reportedProjects.has(project.path)) {
        reportedProjects.add(project.path);
        if (project.notRead) notes.push(`${project.path}: not read (${project.notRead}); its settings were not applied`);
        const lines = new LineIndex(project.text);
        for (const p of project.config.problems) {
          const at = lines.positionAt(p.range.start);
          notes.push(`${project.path}:${at.line + 1}:${at.character + 1}: ${p.message}`);
        }
      }
    }
    // A repository with its own Megatron arguments file (a fork) decides its scripts' flags; the root is the nearest folder
    // with .git, else the folder checked (or the working folder a file was named from).
    const megatronArguments = megatronArgumentsOf(repositoryRoot(path, [...paths, process.cwd()]));
    if (megatronArguments) projectSettings = { ...projectSettings, megatronArguments };
    const baseline = baselineRevision ? fileAtRevision(path, baselineRevision) : undefined;
    const checkedFolder = folders.find((f) => resolve(path).startsWith(`${f}/`));
    const read = readCheckedFile(path);
    const notRead = 'notRead' in read ? { reason: read.notRead, ...(read.severity ? { severity: read.severity } : {}) } : undefined;
    candidates.push({ path, text: 'text' in read ? read.text : '', projectSettings, baseline, checkedFolder, ...(notRead ? { notRead } : {}) });
  }
  return candidates;
}

/**
 * A file's first analysis, before any link context is known. A file that points to another (accelerate's
 * deepspeed_config_file, TrainingArguments' deepspeed) tells who reads the target and, sometimes, the world size: `links`
 * are the targets with the context each is analysed in. `result` is what is reported unless the file links to others or is
 * linked to; the whole analysis is kept only where it is read again (the second pass finds the linked files from it).
 */
interface FirstPass {
  links: Array<[string, Settings]>;
  hasLinks: boolean;
  result?: CheckedAnalysis;
  analysis?: FileAnalysis;
}

function firstPass(candidate: Candidate, flags: Settings, keep = false): FirstPass {
  const analysis = analyzeWith(candidate, flags);
  const found = findLinks(analysis);
  const links = found.map((link): [string, Settings] => {
    const context = link.context.linkedFrom ? { ...link.context, linkedFrom: { ...link.context.linkedFrom, path: candidate.path } } : link.context;
    return [linkTargetPath(candidate.path, link, candidate.checkedFolder, analysis), context];
  });
  const hasLinks = found.length > 0;
  return { links, hasLinks, result: hasLinks ? undefined : checkedAnalysis(analysis), analysis: hasLinks || keep ? analysis : undefined };
}

/** The context each link target is analysed in; where several files link to one, the last of them decides. */
function linkContexts(firsts: Array<Pick<FirstPass, 'links'>>): Map<string, Settings> {
  const contexts = new Map<string, Settings>();
  for (const first of firsts) for (const [target, context] of first.links) contexts.set(target, context);
  return contexts;
}

function needsSecondPass(first: Pick<FirstPass, 'hasLinks'>, context: Settings | undefined): boolean {
  return context !== undefined || first.hasLinks;
}

/** The files it points to, read and analysed in the context the link gives them (cross-file rules compare both). */
function linkedOf(candidate: Candidate, first: FirstPass, flags: Settings): LinkedFile[] | undefined {
  return first.hasLinks ? resolveLinks(candidate.path, first.analysis!, flags, shellParser, candidate.checkedFolder) : undefined;
}

/** The file analysed again, in the context a linking file gives it and with the files it links to. */
function secondPass(candidate: Candidate, first: FirstPass, flags: Settings, context: Settings | undefined): FileAnalysis {
  return analyzeWith(candidate, flags, context, linkedOf(candidate, first, flags));
}

/**
 * Applies safe fixes until none is left (bounded), writes the file once (writeFilesSafely: refused if the result no longer
 * loads, adds a finding, or the file changed since it was read), and returns the re-checked analysis; a refused write
 * leaves the file and its findings as they were, with the reason.
 */
function fixFile(candidate: Candidate, analysis: FileAnalysis, reanalyze: (text: string) => FileAnalysis): { analysis: FileAnalysis; applied: number; refused?: string } {
  let current = analysis;
  let applied = 0;
  for (let round = 0; round < 5; round++) {
    const { fixes, edits } = safeFixEdits(current.diagnostics);
    if (edits.length === 0) break;
    const { text } = applyEdits(current.text, edits);
    applied += fixes.length;
    current = reanalyze(fromSource({ text, hadBom: current.hadBom }));
  }
  if (applied === 0) return { analysis, applied };
  try {
    const after = fromSource({ text: current.text, hadBom: current.hadBom });
    writeFilesSafely([{ path: candidate.path, before: candidate.text, after }], () => editProblem(analysis, current, true));
  } catch (error) {
    if (!(error instanceof WriteRefused)) throw error;
    return { analysis, applied: 0, refused: error.message };
  }
  return { analysis: current, applied };
}

// ---------------------------------------------------------------------------------------------------------------------
// Two threads. The files are analysed by this thread and a worker, each taking the next file from a shared counter, so
// the work splits evenly whatever the files cost; every result is put back in its file's place, so the output is the
// one runCheck gives, in the same order. A file's second pass runs in the thread that kept its first analysis.

/**
 * Below this many files the worker's start (loading the bundle and the parsers) and its first, slower analyses are not
 * repaid: on two cores a check of 100 corpus files took longer with it (0.74 s against 0.68 s), one of 150 less (0.93 s
 * against 1.05 s).
 */
export const PARALLEL_MIN_FILES = 128;

type ToWorker =
  | { type: 'first'; candidates: Candidate[]; flags: Settings; counter: SharedArrayBuffer; parsers: { shell: boolean; python: boolean } }
  | { type: 'second'; indices: number[]; contexts: Array<[string, Settings]> };
type FromWorker =
  | { type: 'first'; results: Array<[number, FirstPass]> }
  | { type: 'second'; results: Array<[number, CheckedAnalysis]> }
  | { type: 'error'; message: string };

/**
 * Checks the files as runCheck does, with a worker thread (running `workerScript`, whose entry calls serveCheckWorker)
 * sharing the analyses when there are enough files and a second processor. What the worker does not deliver (it could not
 * start) is done here. --fix stays in one thread: it writes files that later files read.
 */
export async function runCheckInParallel(options: CheckOptions, workerScript: string): Promise<CheckOutcome> {
  if (options.fix || availableParallelism() < 2) return runCheck(options);
  const paths = expandPaths(options.paths);
  if (paths.length < PARALLEL_MIN_FILES) return runCheck(options);
  shellParser = options.shellParser;
  pythonParser = options.pythonParser;
  // Started first: it loads while this thread reads the files.
  const worker = new Worker(workerScript, { workerData: { trainlintCheckWorker: true } });
  const replies: FromWorker[] = [];
  const waiting: Array<(reply: FromWorker) => void> = [];
  const deliver = (reply: FromWorker) => {
    const next = waiting.shift();
    if (next) next(reply);
    else replies.push(reply);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'error', message: error.stack ?? String(error) }));
  worker.on('exit', () => deliver({ type: 'error', message: 'the check worker stopped' }));
  const reply = <T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }> | undefined> =>
    new Promise<FromWorker>((done) => (replies.length > 0 ? done(replies.shift()!) : waiting.push(done))).then((got) => (got.type === type ? (got as Extract<FromWorker, { type: T }>) : undefined));
  try {
    const notes: string[] = [];
    const candidates = duringOneRun(() => candidatesOf(options.paths, options.baseline, notes, paths));
    const n = candidates.length;
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const parsers = { shell: shellParser !== undefined, python: pythonParser !== undefined };
    worker.postMessage({ type: 'first', candidates, flags: options.flags, counter: counter.buffer, parsers } satisfies ToWorker);
    const firsts: FirstPass[] = new Array(n);
    const mine = new Set<number>();
    const take = (i: number) => {
      firsts[i] = firstPass(candidates[i], options.flags);
      mine.add(i);
    };
    duringOneRun(() => {
      for (let i = Atomics.add(counter, 0, 1); i < n; i = Atomics.add(counter, 0, 1)) take(i);
    });
    if (mine.size < n) {
      for (const [i, first] of (await reply('first'))?.results ?? []) firsts[i] = first;
      duringOneRun(() => candidates.forEach((_, i) => firsts[i] === undefined && take(i)));
    }
    const contexts = linkContexts(firsts);
    const again = candidates.flatMap((c, i) => (needsSecondPass(firsts[i], contexts.get(resolve(c.path))) ? [i] : []));
    const theirs = again.filter((i) => !mine.has(i));
    if (theirs.length > 0) worker.postMessage({ type: 'second', indices: theirs, contexts: [...contexts] } satisfies ToWorker);
    const results: Array<CheckedAnalysis | undefined> = firsts.map((f) => f.result);
    const second = (i: number) => {
      const first = mine.has(i) ? firsts[i] : firstPass(candidates[i], options.flags);
      results[i] = checkedAnalysis(secondPass(candidates[i], first, options.flags, contexts.get(resolve(candidates[i].path))));
    };
    duringOneRun(() => again.filter((i) => mine.has(i)).forEach(second));
    if (theirs.length > 0) {
      for (const [i, analysis] of (await reply('second'))?.results ?? []) results[i] = analysis;
      duringOneRun(() => theirs.filter((i) => results[i] === undefined).forEach(second));
    }
    return outcomeOf(candidates, results as CheckedAnalysis[], notes, options.failOn);
  } finally {
    worker.removeAllListeners('exit');
    void worker.terminate();
  }
}

/** The worker's side: loads what runCheck is handed (the parsers), then takes files from the shared counter until none is left. */
export function serveCheckWorker(loadParsers: () => Promise<{ shellParser?: ShellParser; pythonParser?: PythonParser }>): void {
  const port = parentPort;
  if (!port) return;
  const loaded = loadParsers();
  let candidates: Candidate[] = [];
  let flags: Settings = {};
  const firsts = new Map<number, FirstPass>();
  port.on('message', (message: ToWorker) => {
    void (async () => {
      try {
        if (message.type === 'first') {
          const parsers = await loaded;
          // The parsers the other thread has, no more: a grammar it could not load leaves scripts unread in both.
          shellParser = message.parsers.shell ? parsers.shellParser : undefined;
          pythonParser = message.parsers.python ? parsers.pythonParser : undefined;
          ({ candidates, flags } = message);
          const counter = new Int32Array(message.counter);
          duringOneRun(() => {
            for (let i = Atomics.add(counter, 0, 1); i < candidates.length; i = Atomics.add(counter, 0, 1)) firsts.set(i, firstPass(candidates[i], flags));
          });
          // The analyses stay here for the second pass; the link targets and the results go back.
          const results = [...firsts].map(([i, first]): [number, FirstPass] => [i, { links: first.links, hasLinks: first.hasLinks, result: first.result }]);
          port.postMessage({ type: 'first', results } satisfies FromWorker);
        } else {
          const contexts = new Map(message.contexts);
          const results = duringOneRun(() =>
            message.indices.map((i): [number, CheckedAnalysis] => [i, checkedAnalysis(secondPass(candidates[i], firsts.get(i)!, flags, contexts.get(resolve(candidates[i].path))))]),
          );
          port.postMessage({ type: 'second', results } satisfies FromWorker);
        }
      } catch (error) {
        port.postMessage({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies FromWorker);
      }
    })();
  });
}
