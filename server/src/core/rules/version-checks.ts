import type { ConfigNode } from '../syntax/config-tree';
import type { Format } from '../programs/ids';
import type { Severity } from '../diagnostic';
import type { RuleContext } from './rule';
import { programOf } from '../programs/index';
import type { VersionFacts } from '../programs/program';
import { choiceAtPin, describePin, frameworkLabel, keyAtPins, newestTypeAtPin, removalOf, validatedAtPin, type KeyVerdict, type Pins } from '../versions/key-facts';
import { allBefore, hasUpperBound, isVersionedFramework, parseRelease, parseVersionSpec, type VersionedFramework } from '../versions/version-spec';

/**
 * What the schema rules (unknown-key, invalid-value, deprecated-key) change when the versions that run a file are
 * known (`Settings.versions`) or when a finding holds only in some releases (key-ranges.json). Kept apart from
 * schema-rules.ts: each function answers one question, and the rules call it at one place.
 *
 * Policy: a key, choice or validation present at the pinned version is never reported; one that exists only in other
 * releases says from or until which version it holds; with no version known, such a finding is at most a warning.
 */

const PIN_HINT = 'pin it in requirements.txt or `versions:` in .trainlint.yaml';

function pinsOf(ctx: RuleContext): Pins {
  return { versions: ctx.settings.versions, sources: ctx.settings.versionSources };
}

/** The frameworks whose releases decide a key of this format, and the key's name in the facts (programs/<id>/ `versions`). */
function versionedKey(format: Format, tokens: string[]): { frameworks: VersionedFramework[]; key: string } | undefined {
  return tokens.length === 0 ? undefined : programOf(format)?.versions?.key(tokens);
}

function versionFacts(ctx: RuleContext): VersionFacts | undefined {
  return programOf(ctx.format)?.versions;
}

function unknownVersion(verdict: KeyVerdict): string {
  return verdict.pins.length > 0 ? `the releases read do not settle it for the pinned ${verdict.pins.join(', ')}` : `which version runs is not known (${PIN_HINT})`;
}

export interface VersionedFinding {
  /** The key, choice or value is fine at the pinned version: nothing to report. */
  skip?: boolean;
  /** The most severe the finding may be. */
  maxSeverity?: Severity;
  /** A sentence for the message, starting with a space. */
  note?: string;
  /** What happens at the pinned version, replacing the rule's own consequence clause. */
  consequence?: string;
}

/**
 * unknown-key, for a key the schema (read at one commit) does not have: does another release have it, and does the
 * program at the pinned version reject unknown keys there (DeepSpeed's fp16/bf16 from 0.17.1, TrlParser from 0.19)?
 */
export function versionedUnknownKey(ctx: RuleContext, parentTokens: string[], key: string, rejects: boolean): VersionedFinding | undefined {
  const pins = pinsOf(ctx);
  const target = versionedKey(ctx.format, [...parentTokens, key]);
  let result: VersionedFinding | undefined;
  const verdict = target ? keyAtPins(target.frameworks, target.key, pins) : undefined;
  if (verdict?.status === 'yes') return { skip: true };
  if (verdict?.status === 'no') result = { note: ` It exists in ${verdict.where}, not in the pinned ${verdict.pins.join(', ')}.` };
  if (verdict?.status === 'unknown') result = { maxSeverity: 'warning', consequence: rejects ? 'releases without it reject it at start-up' : undefined, note: ` It exists in ${verdict.where}; ${unknownVersion(verdict)}.` };
  if (!rejects) return result;
  const gate = rejectionGate(ctx, parentTokens);
  if (gate) return { maxSeverity: gate.maxSeverity, note: result?.note, consequence: result?.consequence ?? gate.consequence };
  return result;
}

/** Whether the program at the pinned version rejects unknown keys where the schema says it does. */
function rejectionGate(ctx: RuleContext, parentTokens: string[]): { maxSeverity: Severity; consequence: string } | undefined {
  const pins = pinsOf(ctx);
  const facts = versionFacts(ctx);
  if (facts?.sectionsValidatedBy && parentTokens.length > 0) {
    const section = parentTokens.join('.');
    const validated = validatedAtPin(facts.sectionsValidatedBy, section, pins);
    if (validated?.status === 'no') return { maxSeverity: 'warning', consequence: `the pinned ${validated.pin} reads "${section}" without validating it and ignores the key, so the default is used (unknown keys there are rejected in ${validated.where})` };
    if (validated?.status === 'unknown') return { maxSeverity: 'warning', consequence: `${validated.where} rejects it at start-up; older releases ignore it, so the default is used (${PIN_HINT})` };
  }
  if (ctx.tree.language === 'yaml') return facts?.yamlRejection?.(pins);
  return undefined;
}

/**
 * unknown-key, the other way round: keys the schema knows that the pinned release does not have (`eval_strategy`
 * with transformers 4.34, `gas` with GPT-NeoX main). Reported only when a version is pinned.
 */
export function reportKeysMissingAtPin(ctx: RuleContext, root: ConfigNode, schemaKnows: (path: string[]) => boolean, report: (node: ConfigNode, severity: Severity, message: string) => void): void {
  const pins = pinsOf(ctx);
  if (!pins.versions || Object.keys(pins.versions).length === 0) return;
  const facts = versionFacts(ctx);
  const visit = (node: ConfigNode, tokens: string[]) => {
    if (node.kind !== 'object') return;
    for (const child of node.children) {
      const path = [...tokens, String(child.key)];
      const target = versionedKey(ctx.format, path);
      if (facts?.sectionsValidatedBy && path.length < 3 && child.kind === 'object') visit(child, path);
      // A key the schema lacks is unknown-key's own finding (with the releases that have it).
      if (!target || !child.keyRange || !schemaKnows(path)) continue;
      const verdict = keyAtPins(target.frameworks, target.key, pins);
      if (verdict?.status !== 'no') continue;
      const gate = rejectionGate(ctx, tokens);
      const hf = programOf(ctx.format)?.arguments?.ownArguments === true;
      const consequence = gate ? `${gate.consequence[0].toUpperCase()}${gate.consequence.slice(1)}.` : hf ? 'HfArgumentParser rejects it unless the program\'s own argument dataclasses define it.' : `${verdict.frameworks.map(frameworkLabel).join('/')} at that version rejects it at start-up.`;
      // A TrainingArguments file's program may define the key in dataclasses of its own (and may not use TRL's configs at
      // all): certain only for the other formats.
      const severity = capSeverity(hf ? (verdict.frameworks.includes('transformers') ? 'warning' : 'info') : 'error', gate?.maxSeverity);
      report(child, severity, `"${path.join('.')}" is not in the pinned ${verdict.pins.join(', ')}: it exists in ${verdict.where}. ${consequence}`);
    }
  };
  visit(root, []);
}

/** invalid-value, for a choice the schema does not list (`optim: adamw_hf`): does the pinned release take it? */
export function versionedChoice(ctx: RuleContext, tokens: string[], value: unknown): VersionedFinding | undefined {
  const framework = versionFacts(ctx)?.choicesBy;
  if (!framework || tokens.length !== 1 || typeof value !== 'string') return undefined;
  const choice = choiceAtPin(framework, tokens[0], value, pinsOf(ctx));
  if (!choice) return undefined;
  if (choice.status === 'yes') return { skip: true };
  if (choice.status === 'no') return { note: ` "${value}" exists in ${choice.where}, not in the pinned ${choice.pin}.` };
  return { maxSeverity: 'warning', note: ` "${value}" exists in ${choice.where}; ${choice.pin ? `the releases read do not settle it for the pinned ${choice.pin}` : `which version runs is not known (${PIN_HINT})`}.` };
}

/** invalid-value, for a choice the schema lists that the pinned release does not (`optim: adamw_torch_8bit` on 4.34). */
export function reportChoicesMissingAtPin(ctx: RuleContext, root: ConfigNode, report: (node: ConfigNode, message: string) => void): void {
  const framework = versionFacts(ctx)?.choicesBy;
  if (!framework || root.kind !== 'object' || !ctx.settings.versions?.[framework]) return;
  for (const child of root.children) {
    if (child.kind !== 'scalar' || typeof child.value !== 'string') continue;
    const choice = choiceAtPin(framework, String(child.key), child.value, pinsOf(ctx));
    if (choice?.status === 'no') report(child, `${String(child.key)} "${child.value}" is not a choice of the pinned ${choice.pin}: it exists in ${choice.where}; HfArgumentParser stops at start-up on it.`);
  }
}

/** invalid-value, for a value under a DeepSpeed section that only some releases validate (fp16 and bf16 from 0.17.1). */
export function versionedValue(ctx: RuleContext, tokens: string[]): VersionedFinding | undefined {
  const framework = versionFacts(ctx)?.sectionsValidatedBy;
  if (!framework || tokens.length < 2) return undefined;
  const section = tokens.slice(0, -1).join('.');
  const validated = validatedAtPin(framework, section, pinsOf(ctx));
  if (validated?.status === 'no') return { maxSeverity: 'warning', consequence: `the pinned ${validated.pin} reads "${section}" without validating it and passes the value on as written (it is validated in ${validated.where})` };
  if (validated?.status === 'unknown') return { maxSeverity: 'warning', consequence: `${validated.where} stops at start-up on this value; older releases pass it on as written (${PIN_HINT})` };
  return undefined;
}

/**
 * deprecated-key: whether renaming to the replacement is right at the pinned version. A replacement that exists only
 * in some releases (`eval_strategy` from transformers 4.41, TRL's `dtype`), or that took another type before
 * (`warmup_steps` takes a ratio only from transformers 5.0), is offered only where the pinned version has it as it is
 * now; where it does not, the deprecation does not apply yet and is an info.
 */
export function versionedRename(ctx: RuleContext, tokens: string[], replacement: string | undefined, removedIn?: string): { skip?: boolean; offer: boolean; maxSeverity?: Severity; note?: string; removedIn?: string } {
  const pins = pinsOf(ctx);
  const own = versionedKey(ctx.format, tokens);
  const ownVerdict = own ? keyAtPins(own.frameworks, own.key, pins) : undefined;
  if (ownVerdict?.status === 'no') return { skip: true, offer: false }; // unknown-key says the pinned version lacks it.
  // The releases read say when the key went (evaluation_strategy: 4.51, though deprecation notices spoke of v5).
  const removal = (own && removalOf(own.frameworks, own.key)) ?? removedIn;
  const result = versionedRenameAt(ctx, pins, ownVerdict, tokens, replacement, removal);
  const unpinned = own ? unpinnedNote(own.frameworks, pins, removal, result.note?.includes(PIN_HINT) === true) : undefined;
  const capped = unpinned !== undefined ? { ...result, maxSeverity: 'info' as const, note: `${result.note ?? ''}${unpinned}` } : result;
  return removal ? { ...capped, removedIn: removal } : capped;
}

/**
 * With no version of the key's framework known, a deprecation is a note: the key works on every release before its
 * removal, and the files judged in bench/wild that use one (FastChat's evaluation_strategy, bigscience's
 * overwrite_output_dir) target such a release far more often than not. Certain only once a version is pinned.
 */
function unpinnedNote(frameworks: VersionedFramework[], pins: Pins, removal: string | undefined, said: boolean): string | undefined {
  // Only a capped pin says which releases the authors run: `>=4.31.0` (FastChat) names the oldest they tested, and its
  // scripts still pass names 4.51 removed (judged in bench/wild).
  const capped = frameworks.some((f) => {
    const spec = pins.versions?.[f] !== undefined ? parseVersionSpec(pins.versions[f]!) : undefined;
    return spec !== undefined && hasUpperBound(spec);
  });
  if (capped) return undefined;
  const works = removal ? 'releases before the removal take the old name' : 'every release read takes the old name';
  if (said) return ` ${works[0].toUpperCase()}${works.slice(1)}.`;
  const floor = frameworks.map((f) => describePin(f, pins)).filter((p): p is string => p !== undefined);
  const known = floor.length > 0 ? `only a lowest release is pinned (${floor.join(', ')})` : `which ${frameworks.map(frameworkLabel).join('/')} release runs this file is not known`;
  return ` ${known[0].toUpperCase()}${known.slice(1)} (${PIN_HINT}); ${works}.`;
}

function versionedRenameAt(ctx: RuleContext, pins: Pins, ownVerdict: KeyVerdict | undefined, tokens: string[], replacement: string | undefined, removedIn: string | undefined): { offer: boolean; maxSeverity?: Severity; note?: string } {
  // The pinned release still takes the key (InternVL pins transformers 4.37.2; overwrite_output_dir goes in v5), or every
  // release the pin allows predates the removal (ChatGLM-6B's 4.27.1, older than the releases read): nothing fails at
  // the version in use, so the deprecation is a note for the next upgrade.
  const before = pinnedBeforeRemoval(pins, removedIn);
  const stillTaken =
    ownVerdict?.status === 'yes'
      ? { maxSeverity: 'info' as const, note: ` The pinned ${ownVerdict.pins.join(', ')} still takes it.` }
      : before
        ? { maxSeverity: 'info' as const, note: ` The pinned ${before} predates its removal.` }
        : {};
  if (!replacement) return { offer: true, ...stillTaken };
  const target = versionedKey(ctx.format, [...tokens.slice(0, -1), replacement]);
  if (!target) return { offer: true };
  const verdict = keyAtPins(target.frameworks, target.key, pins);
  if (verdict?.status === 'no') return { offer: false, maxSeverity: 'info', note: ` "${replacement}" exists only in ${verdict.where}: the pinned ${verdict.pins.join(', ')} takes "${tokens[tokens.length - 1]}".` };
  if (verdict?.status === 'unknown') {
    // A rename to a key the running release lacks fails loudly (HfArgumentParser raises), except for TRL-only keys:
    // TrlParser before 0.19 drops them silently, so there the rename changes the run without a word.
    const silent = !verdict.frameworks.includes('transformers') && validatedAtPin('trl', 'config-file', pins)?.status !== 'yes';
    return { offer: !silent, maxSeverity: stillTaken.maxSeverity, note: `${stillTaken.note ?? ''} "${replacement}" exists only in ${verdict.where}, so the rename is right only there; ${unknownVersion(verdict)}.` };
  }
  const typed = target.frameworks.includes('transformers') ? newestTypeAtPin('transformers', target.key, pins) : undefined;
  if (typed?.status === 'no') return { offer: false, maxSeverity: 'info', note: ` "${replacement}" takes this kind of value only in ${typed.where}: at the pinned ${describePin('transformers', pins) ?? 'version'} renaming would change its meaning.` };
  if (typed?.status === 'unknown') return { offer: false, note: ` "${replacement}" takes this kind of value only in ${typed.where}; on older releases renaming changes its meaning (${PIN_HINT}).` };
  return { offer: true, ...stillTaken };
}

/** The pin, described, when every release it allows comes before the one a key was removed in (`transformers v5`, `trl v0.29.0`). */
function pinnedBeforeRemoval(pins: Pins, removedIn: string | undefined): string | undefined {
  const m = removedIn ? /^([a-z-]+) v?(\d+(?:\.\d+)*)(?: \(last read in [\d.]+\))?$/.exec(removedIn) : null;
  if (!m || !isVersionedFramework(m[1])) return undefined;
  const spec = pins.versions?.[m[1]] !== undefined ? parseVersionSpec(pins.versions[m[1]]!) : undefined;
  const removal = parseRelease(m[2]);
  return spec && removal && allBefore(spec, removal) ? describePin(m[1], pins) : undefined;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The lower of two severities. */
export function capSeverity(severity: Severity, max: Severity | undefined): Severity {
  return max !== undefined && RANK[max] < RANK[severity] ? max : severity;
}
