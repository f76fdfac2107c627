import type { OffsetRange } from '../text/range';
import { batchIdentities, identityMarkdown } from './batch-identity';
import { fileSummary, sectionsMarkdown, type SummaryInput } from './file-summary';
import { schemaMarkdown, schemaOfNode } from './key-docs';
import { nodeAt } from './node-at';
import { linkHover } from './link-hover';
import { researchHover } from './research-hover';

export interface HoverContent {
  markdown: string;
  /** The text the hover is about, when it is one key or value. */
  range?: OffsetRange;
}

/**
 * What to show when the pointer rests at an offset: on the first line, the file summary (with the estimate);
 * on a batch key, the batch identity with the source of each factor; on any key or value the schema describes,
 * its documentation. Files that are not training configs get nothing, so unrelated JSON and YAML stay quiet; a
 * launch script TrainLint could not read as its trainer's says why on its first line.
 */
export function hoverAt(input: SummaryInput, offset: number): HoverContent | undefined {
  const { analysis } = input;
  const firstLineEnd = analysis.text.indexOf('\n');
  const onFirstLine = firstLineEnd === -1 || offset <= firstLineEnd;
  if (analysis.format === 'unknown') return analysis.detection.skippedLaunch && onFirstLine ? { markdown: sectionsMarkdown(fileSummary(input).sections) } : undefined;
  const parts: string[] = [];
  if (onFirstLine) parts.push(sectionsMarkdown(fileSummary(input).sections));
  const link = linkHover(input.linked, offset);
  if (link) parts.push(link.markdown);
  const at = nodeAt(analysis, offset);
  if (at?.root) {
    const identity = batchIdentities(analysis, input.settings, input.worldSource).find((i) => [i.global, i.micro, i.accum].some((f) => f.node === at.node));
    if (identity) parts.push(identityMarkdown(identity));
    const research = researchHover(analysis, at.node);
    if (research) parts.push(research);
    const schema = schemaOfNode(analysis.format, at.node, at.root);
    if (schema && at.node.key !== undefined) parts.push(schemaMarkdown(String(at.node.key), schema));
  }
  if (parts.length === 0) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), range: at ? (at.onKey ? at.node.keyRange : at.node.range) : link?.range };
}
