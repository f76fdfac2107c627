import type { OffsetRange } from '../text/range';
import type { AnchorKey } from '../plan/anchors';
import { readingOf } from '../plan/reading';
import { batchIdentities, identityMarkdown } from './batch-identity';
import { estimateOf, fileSummary, sectionsMarkdown, summaryHoverMarkdown, type SummaryInput } from './file-summary';
import { estimateLineFor } from './estimate-lines';
import { schemaMarkdown, schemaOfNode } from './key-docs';
import { nodeAt } from './node-at';
import { linkHover } from './link-hover';
import { researchHover } from './research-hover';
import { resolvedValueMarkdown } from './shell-value';
import type { ConfigNode } from '../syntax/config-tree';

export interface HoverContent {
  markdown: string;
  /** The text the hover is about, when it is one key or value. */
  range?: OffsetRange;
}

export interface HoverOptions {
  /** A markdown link target that opens the full plan (a client command), for the summary's last line. */
  planLink?: string;
}

/**
 * What to show when the pointer rests at an offset: on the first line, a short file summary (with the estimate);
 * on a batch key, the batch identity with the source of each factor; on a key that drives the estimate, the estimate
 * line it moves; on a launch-script flag, its value as the script resolves it; on any key or value the schema
 * describes, its documentation. Files that are not training configs get nothing, so unrelated JSON and YAML stay
 * quiet; a launch script TrainLint could not read as its trainer's says why on its first line.
 */
export function hoverAt(input: SummaryInput, offset: number, options: HoverOptions = {}): HoverContent | undefined {
  const { analysis } = input;
  const firstLineEnd = analysis.text.indexOf('\n');
  const onFirstLine = firstLineEnd === -1 || offset <= firstLineEnd;
  if (analysis.format === 'unknown') return analysis.detection.skippedLaunch && onFirstLine ? { markdown: sectionsMarkdown(fileSummary(input).sections) } : undefined;
  const parts: string[] = [];
  if (onFirstLine) parts.push(summaryHoverMarkdown(input, fileSummary(input), options.planLink));
  const link = linkHover(input.linked, offset);
  if (link) parts.push(link.markdown);
  const at = nodeAt(analysis, offset);
  if (at?.root) {
    if (analysis.tree.language === 'shell') {
      const value = resolvedValueMarkdown(analysis.text, at.node);
      if (value) parts.push(value);
    }
    const identity = batchIdentities(analysis, input.settings, input.worldSource).find((i) => [i.global, i.micro, i.accum].some((f) => f.node === at.node));
    if (identity) parts.push(identityMarkdown(identity));
    const estimate = estimateLine(input, at.node);
    if (estimate) parts.push(estimate);
    const research = researchHover(analysis, at.node);
    if (research) parts.push(research);
    const schema = schemaOfNode(analysis.format, at.node, at.root, analysis.tree);
    if (schema && at.node.key !== undefined) parts.push(schemaMarkdown(String(at.node.key), schema));
  }
  if (parts.length === 0) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), range: at ? (at.onKey ? at.node.keyRange : at.node.range) : link?.range };
}

/** On a key the plan reads an estimate input from (anchors), the one estimate line that key moves. */
function estimateLine(input: SummaryInput, node: ConfigNode): string | undefined {
  const anchors = readingOf({ ...input.analysis, linked: input.linked })?.built?.anchors;
  const key = anchors && (Object.keys(anchors) as AnchorKey[]).find((k) => anchors[k] === node);
  const e = key && estimateOf(input);
  const line = key && e ? estimateLineFor(key, e) : undefined;
  return line && `**Estimate**: ${line}`;
}
