import type { FileAnalysis, LinkedFile } from '../analyze';
import type { Format } from '../programs/ids';
import { programOf } from '../programs/index';
import type { Estimate } from '../estimate/estimate';
import { readingOf } from '../plan/reading';
import { estimateHeadline, estimateSections, type ReportSection } from '../report/estimate-report';
import type { Settings } from '../settings';
import { batchIdentities, identityLine, type BatchIdentity, type Factor } from './batch-identity';
import { costLine, memoryLine, missingLine, stepLine } from './estimate-lines';

export function formatName(format: Format): string {
  return programOf(format)?.fileLabel ?? 'not a training config';
}

/** A file as the editor sees it: its analysis, the settings it ran with, the files it links to. */
export interface SummaryInput {
  analysis: FileAnalysis;
  settings: Settings;
  linked: LinkedFile[];
  /** Where the world size came from, in the user's words (editor settings, the project file, a linking file). */
  worldSource?: string;
}

/** Everything the summary shows, computed once: the code lens, the status item and the hover all read it. */
export interface FileSummary {
  format: Format;
  identities: BatchIdentity[];
  estimate?: Estimate;
  sections: ReportSection[];
  headline: string;
}

function counts(analysis: FileAnalysis): string {
  const n = { error: 0, warning: 0, info: 0 };
  for (const d of analysis.diagnostics) n[d.severity]++;
  const parts = [
    n.error > 0 ? `${n.error} error${n.error === 1 ? '' : 's'}` : '',
    n.warning > 0 ? `${n.warning} warning${n.warning === 1 ? '' : 's'}` : '',
    n.info > 0 ? `${n.info} note${n.info === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no problems';
}

function factorText(f: Factor): string {
  return `${f.value ?? (f.auto ? 'auto' : '?')} — ${f.source}`;
}

function identitySection(identity: BatchIdentity): ReportSection {
  const rows: Array<[string, string]> = [
    ['global batch', factorText(identity.global)],
    ['micro-batch per GPU', factorText(identity.micro)],
    ['accumulation steps', factorText(identity.accum)],
    ['data-parallel size', factorText(identity.dataParallel)],
  ];
  if (identity.tokensPerStep) rows.push(['tokens per step', factorText(identity.tokensPerStep)]);
  const verdict = identity.holds === undefined ? 'not every factor is known yet' : identity.holds ? 'holds' : 'does not hold: the framework stops at start-up';
  return { title: `Batch identity: ${identityLine(identity)}`, rows, notes: [`global = micro × accumulation × data-parallel size; ${verdict}`], sources: [] };
}

/**
 * The summary of a file: what it is, who reads it, its batch identity, and the estimate of the run it describes.
 * Sections share the estimate report's shape, so the estimator's sections append as they are.
 */
export function fileSummary(input: SummaryInput): FileSummary {
  const { analysis, settings } = input;
  const identities = batchIdentities(analysis, settings, input.worldSource);
  const reader = analysis.consumer === 'unknown' ? 'unknown' : `${analysis.consumer} (${analysis.consumerStated ? 'stated by settings or a linking file' : 'inferred from the content'})`;
  const skipped = analysis.detection.skippedLaunch;
  const sections: ReportSection[] = [
    {
      title: `TrainLint: ${skipped ? 'launch script skipped' : formatName(analysis.format)}`,
      rows: skipped
        ? [['skipped because', skipped]]
        : [
            ['detected from', analysis.detection.reason],
            ['read by', reader],
            ['problems', counts(analysis)],
          ],
      notes: [],
      sources: [],
    },
    ...identities.map(identitySection),
  ];
  const result = estimateOf(input);
  const estimated = result && (result.memory.available || result.time.available || result.cost.available);
  if (estimated) sections.push(...estimateSections(result));
  else if (result) sections.push(missingEstimate(result));
  const parts = [formatName(analysis.format)];
  if (identities[0]) parts.push(`batch ${identityLine(identities[0])}`);
  if (estimated) parts.push(estimateHeadline(result));
  parts.push(counts(analysis));
  return { format: analysis.format, identities, estimate: result, sections, headline: parts.join(' · ') };
}

/** The estimate of the run a file describes: the one the rules computed (with its linked files), reused. */
export function estimateOf(input: SummaryInput): Estimate | undefined {
  const { analysis } = input;
  return analysis.format === 'unknown' || analysis.detection.skip ? undefined : readingOf({ ...analysis, linked: input.linked })?.estimate();
}

/**
 * The file summary as a hover of a few lines: what the file is and its problems, the batch identity, memory per GPU,
 * step time and MFU, GPU-hours and cost, and a link to the full plan (`planLink`, a command the client declared).
 */
export function summaryHoverMarkdown(input: SummaryInput, summary: FileSummary, planLink?: string): string {
  const { analysis } = input;
  if (analysis.detection.skippedLaunch) return sectionsMarkdown(summary.sections.slice(0, 1));
  const lines = [`**TrainLint: ${formatName(analysis.format)}** · ${counts(analysis)}`];
  for (const identity of summary.identities) lines.push(`Batch: \`${identityLine(identity)}\` (global = micro × accumulation × data-parallel)`);
  const e = summary.estimate;
  const estimated = e ? [memoryLine(e), stepLine(e), costLine(e)].filter((l): l is string => l !== undefined) : [];
  if (estimated.length > 0) lines.push(...estimated);
  else if (e && missingLine(e)) lines.push(`Estimate: ${missingLine(e)}`);
  if (planLink) lines.push(`[Show the full plan](${planLink})`);
  // Two trailing spaces: a markdown line break, so the hover stays one short block.
  return lines.join('  \n');
}

/** When no estimate block can be computed, one line says what is missing instead of four empty tables. */
function missingEstimate(result: Estimate): ReportSection {
  const missing = [...new Set([...result.missing, ...result.memory.missing, ...result.time.missing])];
  return {
    title: 'Estimate',
    rows: [],
    notes: [
      `needs ${missing.join(', ')}`,
      'name the model (`trainlint.model`, or `model` in .trainlint.yaml) and the GPU (`trainlint.cluster.gpu`) when the file does not',
    ],
    sources: [],
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Sections as markdown: a heading, a two-column table, then notes and sources in small print. */
export function sectionsMarkdown(sections: ReportSection[]): string {
  return sections
    .map((s) => {
      const lines = [`**${s.title}**`];
      if (s.rows.length > 0) lines.push('', '| | |', '|---|---|', ...s.rows.map(([label, value]) => `| ${cell(label)} | ${cell(value)} |`));
      if (s.notes.length > 0) lines.push('', ...s.notes.map((n) => `- ${n}`));
      if (s.sources.length > 0) lines.push('', `_Sources: ${s.sources.join('; ')}_`);
      return lines.join('\n');
    })
    .join('\n\n---\n\n');
}
