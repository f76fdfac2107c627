import type { Estimate } from '../estimate/estimate';
import type { StageMemoryBar } from '../estimate/memory';
import type { Timeline, TimelineOp } from './pipeline-timeline';
import { stepParts } from './step-parts';
import { gib, percent, seconds } from './units';

/**
 * The plan page's charts as plain SVG strings: no charting library, no script, nothing fetched. Every shape carries a
 * <title> (its tooltip and text alternative) and its number in a data attribute; a table beside each chart repeats them.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Memory parts in the order they stack, with a palette readable on light and dark themes (Tableau 10). */
export const MEMORY_PARTS = [
  { part: 'weights', label: 'weights', color: '#4e79a7' },
  { part: 'gradients', label: 'gradients', color: '#f28e2b' },
  { part: 'optimizer', label: 'optimizer states', color: '#e15759' },
  { part: 'activations', label: 'activations', color: '#76b7b2' },
  { part: 'logits', label: 'logits and loss', color: '#59a14f' },
  { part: 'buffers', label: 'buffers', color: '#edc948' },
  { part: 'otherModels', label: 'other models', color: '#b07aa1' },
] as const;

const WIDTH = 640;
const LABEL = 110;

function rect(x: number, y: number, w: number, h: number, fill: string, title: string, data: Record<string, string | number>): string {
  const attributes = Object.entries(data).map(([k, v]) => ` data-${k}="${escapeHtml(String(v))}"`).join('');
  return `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(0, w).toFixed(1)}" height="${h}" fill="${fill}"${attributes}><title>${escapeHtml(title)}</title></rect>`;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'end' | 'middle' = 'start'): string {
  return `<text x="${x.toFixed(1)}" y="${y}" text-anchor="${anchor}">${escapeHtml(content)}</text>`;
}

function svg(height: number, label: string, body: string[]): string {
  return `<svg class="chart" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">${body.join('')}</svg>`;
}

function stageName(bar: StageMemoryBar, stages: number): string {
  if (stages === 1) return 'each GPU';
  return bar.rank === 0 ? 'first stage' : 'last stage';
}

/** Stacked bars of each end stage's memory against the GPU's capacity (a dashed line). */
export function memoryChart(bars: StageMemoryBar[], capacity: number, stages: number): string {
  const scale = Math.max(capacity, ...bars.map((b) => b.total));
  // Room on the right for the total written after the longest bar.
  const plot = WIDTH - LABEL - 70;
  const body: string[] = [];
  bars.forEach((bar, i) => {
    const y = 10 + i * 40;
    body.push(text(0, y + 17, stageName(bar, stages)));
    let x = LABEL;
    for (const { part, label, color } of MEMORY_PARTS) {
      const bytes = bar[part];
      if (bytes <= 0) continue;
      const w = (bytes / scale) * plot;
      body.push(rect(x, y, w, 24, color, `${stageName(bar, stages)}: ${label} ${gib(bytes)}`, { part, bytes: Math.round(bytes), rank: bar.rank }));
      x += w;
    }
    body.push(`<text x="${(LABEL + (bar.total / scale) * plot + 4).toFixed(1)}" y="${y + 17}" data-total="${Math.round(bar.total)}" data-rank="${bar.rank}">${gib(bar.total)}</text>`);
  });
  const height = 20 + bars.length * 40;
  if (capacity > 0) {
    const cx = LABEL + (capacity / scale) * plot;
    body.push(`<line x1="${cx.toFixed(1)}" y1="4" x2="${cx.toFixed(1)}" y2="${height - 4}" class="capacity" data-capacity="${Math.round(capacity)}"><title>GPU memory ${gib(capacity)}</title></line>`);
  }
  const alt = bars.map((b) => `${stageName(b, stages)} ${gib(b.total)}`).join(', ');
  return svg(height, `Memory per GPU: ${alt}; capacity ${gib(capacity)}`, body);
}

/** The pipeline schedule: one row per stage, forwards and backwards as blocks, idle time shaded. */
/** How each kind of pass is named and drawn (Tableau 10); the legend and the bars share it. */
export function passStyle(kind: TimelineOp['kind'], splitBackward: boolean): { label: string; color: string } {
  if (kind === 'F') return { label: 'forward', color: '#4e79a7' };
  if (kind === 'W') return { label: 'weight gradient', color: '#59a14f' };
  // Where the weight gradient is a pass of its own, the backward pass computes only the input gradient.
  return { label: splitBackward ? 'input gradient' : 'backward', color: '#f28e2b' };
}

/** Whether the schedule runs the weight gradient as a pass of its own (the zero-bubble schedules). */
export function splitBackward(timeline: Timeline): boolean {
  return timeline.ops.some((o) => o.kind === 'W');
}

export function timelineChart(timeline: Timeline): string {
  const rowHeight = Math.max(8, Math.min(22, Math.floor(300 / timeline.stages)));
  const plot = WIDTH - 70;
  const scale = plot / timeline.makespan;
  const body: string[] = [];
  for (let s = 0; s < timeline.stages; s++) {
    const y = 4 + s * rowHeight;
    body.push(`<rect x="60" y="${y}" width="${plot}" height="${rowHeight - 2}" class="idle"><title>stage ${s}: idle where not filled</title></rect>`);
    if (timeline.stages <= 32 || s % Math.ceil(timeline.stages / 16) === 0) body.push(text(0, y + rowHeight - 5, `stage ${s}`));
  }
  const split = splitBackward(timeline);
  for (const op of timeline.ops) {
    const chunk = timeline.chunks > 1 ? `, chunk ${op.chunk}` : '';
    const { label, color } = passStyle(op.kind, split);
    const title = `stage ${op.stage}: ${label} of micro-batch ${op.microbatch}${chunk}`;
    body.push(rect(60 + op.start * scale, 4 + op.stage * rowHeight, (op.end - op.start) * scale, rowHeight - 2, color, title, { kind: op.kind }));
  }
  const label = `Pipeline schedule ${timeline.schedule}: ${timeline.stages} stages, ${timeline.microbatches} micro-batches${timeline.chunks > 1 ? `, ${timeline.chunks} chunks per stage` : ''}; idle ${percent(timeline.idleFraction)} of stage time`;
  return svg(8 + timeline.stages * rowHeight, label, body);
}

/** The parts of one step, in the order they pass: compute, tensor- and pipeline-parallel traffic, bubble, data-parallel, optimizer. */
export function stepChart(time: Estimate['time']): string {
  const plot = WIDTH - 10;
  const body: string[] = [];
  let x = 0;
  for (const { part, label, color, seconds: s } of stepParts(time)) {
    const w = (s / time.iterationSeconds) * plot;
    body.push(rect(x, 4, w, 24, color, `${label}: ${seconds(s)} (${percent(s / time.iterationSeconds)})`, { part, seconds: s }));
    x += w;
  }
  return svg(32, `Step time ${seconds(time.iterationSeconds)}: ${stepParts(time).map((p) => `${p.label} ${percent(p.seconds / time.iterationSeconds)}`).join(', ')}`, body);
}
