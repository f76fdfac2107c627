// The pure part of bench/wild/oracle: which findings the program itself can decide, what each finding claims the
// program does with a key (rejects it, or takes it) at which version, and whether the program's answer agrees.
// No file, process or network here: run.ts does the asking.

import type { Finding } from '../run';
import { compareReleases, parseRelease, parseVersionSpec, satisfies as satisfiesSpec } from '../../../server/src/core/versions/version-spec';

export type Framework = 'transformers' | 'trl' | 'accelerate' | 'deepspeed';
export type Kind = 'hf-file' | 'hf-args' | 'accelerate-file' | 'deepspeed-file';

/** A finding as bench/wild/run.ts records it (with the format TrainLint read the file as). */
export type OracleFinding = Finding;

/** A version to ask: one the finding names as pinned (exact or a range), the latest release, or the latest of a major. */
export type VersionWanted = { pinned: string } | { latest: true } | { latestOf: number } | { exact: string };

/** One thing a finding says the program does with a key, at one version. */
export interface Claim {
  framework: Framework;
  version: VersionWanted;
  kind: Kind;
  /** Classes HfArgumentParser is built over (hf-file, hf-args); `trl:*` is every TRL class TrainLint's schema merges. */
  classes?: string[];
  /** The key the claim is about, dotted under its section (`zero_optimization.cpu_offload`). */
  key: string;
  /** Whether the claim is about the key (is it a field) or its value (does the program take this value). */
  about: 'key' | 'value';
  expect: 'rejects' | 'accepts';
  /** The version the file runs with (its pin, or the latest release where nothing is pinned): severity is judged here. */
  inUse: boolean;
}

export interface Question {
  finding: OracleFinding;
  claims: Claim[];
  /** Why a finding of a rule the oracle covers is not asked (the program's own classes decide, ...). */
  skipped?: string;
}

const RULES = new Set(['unknown-key', 'invalid-value', 'deprecated-key']);
const TRL_UNION = ['TrainingArguments', 'trl:*'];
const SHELL = /\.(sh|bash|slurm)$/i;

/** Findings of a rule and a format the oracle may ask about (others are not its business). */
export function inScope(f: OracleFinding): boolean {
  return RULES.has(f.rule) && (f.format === 'hf-trainer' || f.format === 'accelerate' || f.format === 'deepspeed');
}

/** `the pinned transformers 4.37.2 (...)`, `The pinned TRL 0.7.11`, `the pinned DeepSpeed >=0.18.6,<0.19.0 (...)`. */
export function pinnedIn(message: string, framework: Framework): string | undefined {
  const label = { transformers: 'transformers', trl: 'TRL', accelerate: 'accelerate', deepspeed: 'DeepSpeed' }[framework];
  const m = new RegExp(`[Tt]he pinned (?:[A-Za-z]+ [^ ,]+(?: \\([^)]*\\))?, )*${label} ([^ ()]+)`).exec(message);
  if (!m) return undefined;
  return m[1].replace(/[,.:;]+$/, '');
}

function quotedKey(message: string): string | undefined {
  return /^(?:Unknown (?:key|flag) |)"([^"]+)"/.exec(message)?.[1];
}

/** `Unknown key "thread_count" in aio:` -> aio.thread_count; `at the top level` -> the key. */
function sectionKey(message: string): string | undefined {
  const m = /^Unknown (?:key|flag) "([^"]+)" (?:in ([\w.\/]+)|at the top level)/.exec(message);
  if (!m) return undefined;
  return m[2] ? `${m[2].replace(/\//g, '.')}.${m[1]}` : m[1];
}

/** The keys of a grouped note: `3 keys are not TrainingArguments or TRL fields (a, b, --c): ...`. */
function listedKeys(message: string): string[] {
  const m = /^\d+ (?:keys?|flags?) (?:is|are|was|were) [^(]*\(([^)]*)\)/.exec(message);
  if (!m) return [];
  return m[1].split(',').map((s) => s.trim().replace(/^--/, '').replace(/:.*$/, '').trim()).filter(Boolean);
}

/** `(torch_dtype: trl v0.27.0, max_seq_length: trl v0.20.0)` -> the removal version of each key. */
function removedIn(message: string): Map<string, string> {
  const out = new Map<string, string>();
  const m = /^\d+ keys? (?:was|were) [^(]*\(([^)]*)\)/.exec(message);
  for (const part of m ? m[1].split(',') : []) {
    const kv = /^\s*([\w.-]+): trl v([\d.]+)/.exec(part);
    if (kv) out.set(kv[1], kv[2]);
  }
  return out;
}

/** The version a claim about the file's own run is asked at: its pin, else the latest release. */
function inUseVersion(message: string, framework: Framework): VersionWanted {
  const pin = pinnedIn(message, framework);
  return pin ? { pinned: pin } : { latest: true };
}

/**
 * What a finding claims, as questions to the program. A finding about keys the program's own argument classes decide
 * (a launch script's program read by TrainLint: open-instruct's ArgumentParserPlus) is skipped: only that program knows,
 * and the oracle installs frameworks, not repositories.
 */
export function questionFor(f: OracleFinding): Question {
  const shell = SHELL.test(f.path);
  const claims: Claim[] = [];
  const q: Question = { finding: f, claims };
  const msg = f.message;
  if (f.format === 'hf-trainer') {
    const kind: Kind = shell ? 'hf-args' : 'hf-file';
    if (/ArgumentParserPlus over|argparse in |rejects it; it stops at start-up with|argparse: "/.test(msg)) {
      q.skipped = "the program's own argument classes decide (the program is not installed)";
      return q;
    }
    if (f.rule === 'unknown-key') {
      const listed = listedKeys(msg);
      if (listed.length > 0 && /not TrainingArguments or TRL fields/.test(msg)) {
        for (const key of listed) claims.push({ framework: 'trl', version: { latest: true }, kind, classes: TRL_UNION, key, about: 'key', expect: 'rejects', inUse: true });
        return q;
      }
      const key = quotedKey(msg);
      if (!key) return { ...q, skipped: 'no key named' };
      const notIn = /"[^"]+" is not in the pinned (transformers|TRL) ([^ ]+) \(/.exec(msg);
      if (notIn) {
        const framework: Framework = notIn[1] === 'TRL' ? 'trl' : 'transformers';
        claims.push({ framework, version: { pinned: notIn[2] }, kind, classes: framework === 'trl' ? TRL_UNION : ['TrainingArguments'], key, about: 'key', expect: 'rejects', inUse: true });
        // `it exists in TRL 0.8 and later`: the latest takes it.
        if (/exists in (?:TRL|transformers) [\d.]+ and later/.test(msg)) claims.push({ framework, version: { latest: true }, kind, classes: framework === 'trl' ? TRL_UNION : ['TrainingArguments'], key, about: 'key', expect: 'accepts', inUse: false });
        return q;
      }
      if (/not a TrainingArguments or TRL field/.test(msg)) {
        claims.push({ framework: 'trl', version: { latest: true }, kind, classes: TRL_UNION, key, about: 'key', expect: 'rejects', inUse: true });
        return q;
      }
      return { ...q, skipped: 'message not understood' };
    }
    if (f.rule === 'deprecated-key') {
      const removed = removedIn(msg);
      if (removed.size > 0) {
        for (const [key, version] of removed) {
          claims.push({ framework: 'trl', version: { latest: true }, kind, classes: TRL_UNION, key, about: 'key', expect: 'rejects', inUse: true });
          // The release before the removal took it (TRL 0.19 is asked when 0.19 is older than the removal).
          claims.push({ framework: 'trl', version: { exact: '0.19.1' }, kind, classes: TRL_UNION, key, about: 'key', expect: compare(version, '0.19.1') > 0 ? 'accepts' : 'rejects', inUse: false });
        }
        return q;
      }
      const key = quotedKey(msg);
      if (!key) return { ...q, skipped: 'no key named' };
      const trlRemoved = /removed in trl v([\d.]+); newer versions reject it/.exec(msg);
      if (trlRemoved) {
        claims.push({ framework: 'trl', version: { latest: true }, kind, classes: TRL_UNION, key, about: 'key', expect: 'rejects', inUse: !pinnedIn(msg, 'trl') });
        return q;
      }
      const pin = pinnedIn(msg, 'transformers');
      // `removed in transformers v4.51 (last read in 4.50)`: the latest rejects it, the last release read takes it.
      const transformersRemoved = /removed in transformers v([\d.]+)(?: \(last read in ([\d.]+)\))?; newer versions reject it/.exec(msg);
      if (transformersRemoved) {
        claims.push({ framework: 'transformers', version: { latest: true }, kind, classes: ['TrainingArguments'], key, about: 'key', expect: 'rejects', inUse: !pin });
        const before = transformersRemoved[2] ? { exact: transformersRemoved[2] } : { latestOf: 4 };
        claims.push({ framework: 'transformers', version: before, kind, classes: ['TrainingArguments'], key, about: 'key', expect: 'accepts', inUse: false });
      } else {
        // A deprecation that names no removal: the latest release still takes the key.
        claims.push({ framework: 'transformers', version: { latest: true }, kind, classes: ['TrainingArguments'], key, about: 'key', expect: 'accepts', inUse: !pin });
      }
      // A deprecated key is reported at an exact pin only where that release has it (version-checks.ts versionedRename);
      // at a range the message says the releases read do not settle it.
      if (pin && /^[\d.]+$/.test(pin)) claims.push({ framework: 'transformers', version: { pinned: pin }, kind, classes: ['TrainingArguments'], key, about: 'key', expect: 'accepts', inUse: true });
      return q;
    }
    if (f.rule === 'invalid-value') {
      const m = /^-{0,2}([\w.]+) (?:must|is not a choice)/.exec(msg);
      if (!m) return { ...q, skipped: 'message not understood' };
      // `loss_type "dpo_norm"`: TRL's configs own loss_type; the load itself is what is asked (the Trainer may fail later).
      claims.push({ framework: 'trl', version: inUseVersion(msg, 'trl'), kind, classes: TRL_UNION, key: m[1], about: 'value', expect: 'rejects', inUse: true });
      return q;
    }
  }
  if (f.format === 'accelerate') {
    if (shell) return { ...q, skipped: 'a launch script: the program it runs decides' };
    if (f.rule === 'unknown-key') {
      const key = sectionKey(msg);
      if (!key) return { ...q, skipped: 'message not understood' };
      claims.push({ framework: 'accelerate', version: inUseVersion(msg, 'accelerate'), kind: 'accelerate-file', key, about: 'key', expect: /rejects it/.test(msg) ? 'rejects' : 'accepts', inUse: true });
      return q;
    }
    if (f.rule === 'deprecated-key') {
      const key = quotedKey(msg);
      if (!key) return { ...q, skipped: 'no key named' };
      claims.push({ framework: 'accelerate', version: inUseVersion(msg, 'accelerate'), kind: 'accelerate-file', key, about: 'key', expect: /newer versions reject it/.test(msg) ? 'rejects' : 'accepts', inUse: true });
      return q;
    }
    if (f.rule === 'invalid-value') {
      const m = /^([\w.]+) must /.exec(msg);
      if (!m) return { ...q, skipped: 'message not understood' };
      claims.push({ framework: 'accelerate', version: inUseVersion(msg, 'accelerate'), kind: 'accelerate-file', key: m[1], about: 'value', expect: /stops at start-up/.test(msg) ? 'rejects' : 'accepts', inUse: true });
      return q;
    }
  }
  if (f.format === 'deepspeed') {
    if (shell) return { ...q, skipped: 'a launch script' };
    if (f.rule === 'unknown-key') {
      const key = sectionKey(msg);
      if (!key) return { ...q, skipped: 'message not understood' };
      // `DeepSpeed 0.17.1 and later (not in 0.17.0) rejects it at start-up; older releases ignore it`: the latest rejects.
      const expect = /rejects it at start-up/.test(msg) ? 'rejects' : 'accepts';
      const versioned = /DeepSpeed [\d.]+ and later \(not in [\d.]+\) rejects/.test(msg);
      claims.push({ framework: 'deepspeed', version: versioned ? { latest: true } : inUseVersion(msg, 'deepspeed'), kind: 'deepspeed-file', key, about: 'key', expect, inUse: !versioned });
      return q;
    }
    if (f.rule === 'deprecated-key') {
      const key = quotedKey(msg);
      if (!key) return { ...q, skipped: 'no key named' };
      if (/at engine init/.test(msg)) return { ...q, skipped: 'fails at engine init, after the config is read' };
      claims.push({ framework: 'deepspeed', version: inUseVersion(msg, 'deepspeed'), kind: 'deepspeed-file', key, about: 'key', expect: /newer versions reject it/.test(msg) ? 'rejects' : 'accepts', inUse: true });
      return q;
    }
    if (f.rule === 'invalid-value') {
      const m = /^([\w.]+) must /.exec(msg);
      if (!m) return { ...q, skipped: 'message not understood' };
      const versioned = /DeepSpeed [\d.]+ and later \(not in [\d.]+\) stops/.exec(msg);
      claims.push({ framework: 'deepspeed', version: versioned ? { latest: true } : inUseVersion(msg, 'deepspeed'), kind: 'deepspeed-file', key: m[1], about: 'value', expect: 'rejects', inUse: !versioned });
      return q;
    }
  }
  return { ...q, skipped: 'not a question the oracle asks' };
}

/** Compares dotted release numbers (`0.19.1` < `0.20.0`); missing parts count as 0. */
/** Orders two release strings (`4.57.6` after `4.9.0`). */
export function compare(a: string, b: string): number {
  return compareReleases(parseRelease(a) ?? [0], parseRelease(b) ?? [0]);
}

/** Does a release satisfy a pip specifier (`>=4.32.0,<4.38.0`, `==4.37.2`, `~=0.20`)? A bare `4.34` names the 4.34 series. */
export function satisfies(release: string, spec: string): boolean {
  if (/^\s*\d+\.\d+\s*$/.test(spec)) return release === spec.trim() || release.startsWith(`${spec.trim()}.`);
  const parsed = parseVersionSpec(spec);
  const r = parseRelease(release);
  return parsed !== undefined && r !== undefined && satisfiesSpec(r, parsed);
}

/** The release a wanted version stands for, from the releases PyPI lists (newest first or any order); pip's choice. */
export function resolveVersion(wanted: VersionWanted, releases: string[]): string | undefined {
  const finals = releases.filter((r) => /^\d+(\.\d+)*$/.test(r)).sort((a, b) => compare(b, a));
  if ('latest' in wanted) return finals[0];
  if ('latestOf' in wanted) return finals.find((r) => parseInt(r, 10) === wanted.latestOf);
  if ('exact' in wanted) return finals.includes(wanted.exact) ? wanted.exact : undefined;
  const spec = wanted.pinned;
  // A bare `4.34` pins 4.34.0 as pip reads `==4.34`; a range takes the newest release in it.
  if (/^[\d.]+$/.test(spec)) return finals.find((r) => compare(r, spec) === 0);
  return finals.find((r) => satisfies(r, spec));
}

/** What one class set, or the file's loader, answered (ask.py's JSON, the part judged here). */
export interface Answer {
  accepted: boolean | null;
  error?: { type: string; message: string } | null;
  /** hf-file, hf-args: for each key asked, the classes that have it as a field (option). */
  known?: Record<string, string[]>;
  /** accelerate-file, deepspeed-file: keys the error names. */
  named_keys?: string[];
  unused_keys?: string[];
  locations?: string[];
  dropped_auto?: string[];
  per_class?: Record<string, { accepted: boolean; error: { type: string; message: string } | null; unused_keys: string[] }>;
  oracle_failed?: boolean;
}

export type Outcome = 'rejects' | 'accepts' | 'undecided';

function mentions(message: string | undefined, key: string): boolean {
  if (!message) return false;
  const last = key.split('.').pop() as string;
  return new RegExp(`(?<![\\w-])(--)?${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`).test(message);
}

/** What the program did with the claim's key, from its answer. */
export function outcome(claim: Claim, answer: Answer | undefined): Outcome {
  if (!answer || answer.oracle_failed || answer.accepted === null) return 'undecided';
  const top = claim.key.split('.')[0];
  if (claim.kind === 'hf-file' || claim.kind === 'hf-args') {
    if (claim.about === 'key') {
      const known = answer.known?.[claim.key] ?? answer.known?.[top];
      if (!known) return 'undecided';
      return known.length > 0 ? 'accepts' : 'rejects';
    }
    // A value: every class that has the field raised on it, naming it (or argparse refused the value).
    const rows = Object.values(answer.per_class ?? {}).filter((row) => !row.unused_keys.includes(top));
    if (rows.length === 0) return 'undecided';
    // parse_dict builds the dataclass (its __post_init__ checks the value) before it raises on unused keys: a load that
    // failed only on those took the value.
    if (rows.some((row) => row.accepted || (row.error && /not used by the HfArgumentParser/.test(row.error.message) && !mentions(row.error.message, claim.key)))) return 'accepts';
    if (rows.every((row) => row.error && mentions(row.error.message, claim.key))) return 'rejects';
    return 'undecided';
  }
  if (claim.kind === 'deepspeed-file' && answer.dropped_auto?.includes(claim.key)) return 'undecided';
  if (answer.accepted) return 'accepts';
  const message = answer.error?.message;
  if ((answer.named_keys ?? []).includes(claim.key) || (answer.unused_keys ?? []).includes(claim.key) || mentions(message, claim.key)) return 'rejects';
  if (claim.kind === 'accelerate-file' && claim.key.includes('.') && claim.about === 'key') return 'accepts'; // Nested sections are dicts nobody checks.
  if (claim.kind === 'accelerate-file' && claim.about === 'key' && /unknown keys/.test(message ?? '')) return 'accepts'; // The unknown-key check lists every unknown key.
  return 'undecided';
}

/**
 * Severity against the program at the version in use: an error must be a key or value the program raises on; a warning
 * or an info one it takes. Where the program's own argument classes may define a key (hf-trainer), a rejection by the
 * upstream classes alone cannot make an error, so a softer finding there is `capped`, not a disagreement.
 */
export function severityAgrees(f: OracleFinding, claim: Claim, result: Outcome): 'agree' | 'disagree' | 'capped' | 'undecided' {
  if (!claim.inUse || result === 'undecided') return 'undecided';
  if (f.severity === 'error') return result === 'rejects' ? 'agree' : 'disagree';
  if (result === 'accepts') return 'agree';
  return f.format === 'hf-trainer' ? 'capped' : 'disagree';
}
