import type { LinkedFile } from '../analyze';
import type { OffsetRange } from '../text/range';
import { formatName } from './file-summary';

/**
 * The hover on a path a config names (a script's `--deepspeed ./scripts/zero3.json`, a YAML's `deepspeed:`): which file
 * the run opens and why there (the front end resolves it from the folders a run may start from), or where it was looked for.
 */
export function linkHover(linked: LinkedFile[], offset: number): { markdown: string; range: OffsetRange } | undefined {
  const hit = linked.find((l) => l.link.range.start <= offset && offset <= l.link.range.end);
  if (!hit) return undefined;
  const title = `**\`${hit.link.target}\`**`;
  let body: string;
  if (hit.analysis) {
    const read = hit.analysis.format === 'unknown' ? '' : ` as a ${formatName(hit.analysis.format)}`;
    body = `Opens \`${hit.path}\`${read}, resolved from ${hit.resolvedFrom ?? "the file's folder"}.`;
  } else if (hit.outsideWorkspace) {
    body = 'Outside the workspace, on the machine (or container) that runs the job: not read.';
  } else if (hit.lookedIn && hit.lookedIn.length > 0) {
    body = `Not found: looked in ${hit.lookedIn.map((f) => `\`${f}\``).join(', ')} (the folders a run may start from).`;
  } else {
    body = `Not found at \`${hit.path}\`.`;
  }
  return { markdown: `${title}: ${body}`, range: hit.link.range };
}
