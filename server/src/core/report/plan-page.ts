import type { Estimate } from '../estimate/estimate';
import { memoryOfEndStages } from '../estimate/memory';
import { whatIf, type WhatIfRow } from '../estimate/what-if';
import { escapeHtml, MEMORY_PARTS, memoryChart, passStyle, splitBackward, stepChart, timelineChart } from './plan-charts';
import { stepParts } from './step-parts';
import type { PlanInput } from './plan-inputs';
import { pipelineTimeline } from './pipeline-timeline';
import { costSection, estimateSections, howToGive } from './estimate-report';
import { count, days, gib, percent, seconds } from './units';

/** One file's plan as the page shows it. The estimate is the one the code lens, hover and `trainlint estimate` show. */
export interface PlanPageFile {
  /** The file's name as the reader knows it (a path relative to the workspace or the command line). */
  name: string;
  /** What the file is ("DeepSpeed config"). */
  program: string;
  /** The code lens's line. */
  headline: string;
  estimate?: Estimate;
  inputs: PlanInput[];
  /** What was read or defaulted while building the plan. */
  notes: string[];
}

// The schedule drawing shows the fill, a stretch of steady state and the drain: a few micro-batches per stage are
// enough to see them; more would be hairlines. With more, it draws fewer and says so.
// A timeline taller than this is not readable, and simulating it costs stages x passes (pipe_parallel_size 100000
// never returned, fuzz seed 1207 case 51,220); the largest published runs use 16-64 stages.
const MAX_DRAWN_STAGES = 128;
const DRAWN_MICROBATCHES_PER_STAGE = 4;

const esc = escapeHtml;

function table(caption: string, head: string[], rows: string[][], className = ''): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('');
  return `<table class="${className}"><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function memoryBlock(e: Estimate): string {
  const m = e.memory;
  if (!m.available) return `<p class="missing">Memory: not available; needs ${esc([...new Set(m.missing.map(howToGive))].join('; '))}.</p>`;
  const stages = Math.max(1, e.parameters.perStage.length);
  const bars = memoryOfEndStages(e.plan);
  const legend = MEMORY_PARTS.filter(({ part }) => bars.some((b) => b[part] > 0)).map(({ label, color }) => `<span class="key"><span class="swatch" style="background:${color}"></span>${esc(label)}</span>`).join('');
  const rows = MEMORY_PARTS.filter(({ part }) => bars.some((b) => b[part] > 0)).map(({ part, label }) => [esc(label), ...bars.map((b) => gib(b[part]))]);
  rows.push(['<strong>peak</strong>', ...bars.map((b) => `<strong>${gib(b.total)}</strong>`)]);
  const heads = ['part', ...bars.map((b) => (stages === 1 ? 'each GPU' : b.rank === 0 ? 'first stage' : 'last stage'))];
  const verdict = m.fits ? `fits: ${percent(m.total / m.capacity)} of ${gib(m.capacity)}` : `does not fit: ${gib(m.total)} of ${gib(m.capacity)}`;
  return `<h3>Memory per GPU <span class="${m.fits ? 'ok' : 'bad'}">${esc(verdict)}</span></h3>`
    + `<div class="legend">${legend}<span class="key"><span class="swatch capacity-swatch"></span>GPU capacity</span></div>`
    + memoryChart(bars, m.capacity, stages)
    + table('Memory per GPU by part (the chart in numbers)', heads, rows, 'numbers');
}

function scheduleBlock(e: Estimate): string {
  const b = e.bubble;
  if (!b.available) return `<p class="missing">Pipeline: not available; needs ${esc([...new Set(b.missing.map(howToGive))].join('; '))}.</p>`;
  if (b.schedule === 'none') return '<h3>Pipeline</h3><p>One stage: no pipeline, no bubble.</p>';
  const p = e.parameters.perStage.length || (e.plan.parallel?.pp ?? 1);
  const v = e.plan.parallel?.vpp ?? 1;
  const m = b.microbatches;
  const head = `<h3>Pipeline schedule <span class="${b.fraction > 0.1 ? 'warn' : 'ok'}">idle ${percent(b.fraction)} of the step</span></h3>`;
  // With layers split unevenly the lighter stages also wait for the heaviest in the steady state (bubble.ts, Calculon).
  const uneven = e.parameters.perStage.some((s) => s.layers !== e.parameters.perStage[0].layers)
    ? ` Layers per stage ${e.parameters.perStage.map((s) => s.layers).join(', ')}: the idle share includes the lighter stages waiting for the heaviest, which the drawing (equal stages) does not show.` : '';
  if (p > MAX_DRAWN_STAGES) return `${head}<p>${esc(`${b.schedule}: ${p} stages, ${m} micro-batches.`)} Not drawn: more than ${MAX_DRAWN_STAGES} stages.</p>`;
  // Fewer micro-batches when the run has too many to draw: the drawing's bubble is then larger, and says so.
  const drawn = Math.min(m, DRAWN_MICROBATCHES_PER_STAGE * p);
  const timeline = pipelineTimeline(b.schedule, p, drawn, v);
  if (!timeline) return `${head}<p>${esc(`${b.schedule}: ${p} stages, ${m} micro-batches.`)} Not drawn: these sizes do not lay out as a pipeline.</p>`;
  // ZB-H2's later stages start and end later; the next step fills those corners (Qi et al. Sec. 4), so they are not idle.
  const corners = timeline.step < timeline.makespan ? ' Each stage is timed from its first pass to its last: the next step fills the blank corners.' : '';
  const note = drawn < m
    ? `Drawn with ${drawn} of the run's ${m} micro-batches, so the drawing idles ${percent(timeline.idleFraction)}; the run idles ${percent(b.fraction)}.${uneven}${corners}`
    : `${m} micro-batches through ${p} stages${timeline.chunks > 1 ? ` in ${timeline.chunks} chunks each` : ''}; shaded: idle.${uneven}${corners}`;
  const split = splitBackward(timeline);
  const keys = (split ? (['F', 'B', 'W'] as const) : (['F', 'B'] as const)).map((kind) => passStyle(kind, split));
  return head + `<div class="legend">${keys.map(({ label, color }) => `<span class="key"><span class="swatch" style="background:${color}"></span>${esc(label)}</span>`).join('')}<span class="key"><span class="swatch idle-swatch"></span>idle</span></div>`
    + timelineChart(timeline) + `<p class="note">${esc(note)}</p>`;
}

function timeBlock(e: Estimate): string {
  const t = e.time;
  if (!t.available) return `<p class="missing">Step time: not available; needs ${esc([...new Set([...t.missing, ...e.flops.missing].map(howToGive))].join('; '))}.</p>`;
  const head = `<h3>Step time <span>${esc(`${seconds(t.iterationSeconds)} per step${t.measured ? ' (measured)' : ''} · MFU ${percent(t.mfu)} · HFU ${percent(t.hfu)}`)}</span></h3>`;
  if (t.measured) return head + '<p>The measured time is not split into parts.</p>';
  const rows = stepParts(t).map((part) => [esc(part.label), seconds(part.seconds), percent(part.seconds / t.iterationSeconds)]);
  const confidence = `<p class="note">Confidence: ${esc(`${t.confidence.level}: ${t.confidence.reason}`)}.</p>`;
  return head + confidence + stepChart(t) + table('Step time by part', ['part', 'time', 'share'], rows, 'numbers');
}

function costBlock(e: Estimate): string {
  const c = e.cost;
  if (!c.available) return '';
  const cost = costSection(e).rows.find(([label]) => label === 'cost')?.[1];
  const facts = [`${count(c.tokens)} tokens`, `${count(c.iterations)} steps`, days(c.days), `${count(c.gpuHours)} GPU-hours`];
  return `<h3>Training run</h3><p class="facts">${esc(facts.join(' · '))}${cost ? ` · <strong>${esc(cost)}</strong>` : ''}</p>`;
}

function whatIfBlock(rows: WhatIfRow[]): string {
  if (rows.length <= 1) return '';
  const base = rows[0];
  const cells = rows.map((r) => {
    const faster = base.iterationSeconds && r.iterationSeconds ? r.iterationSeconds / base.iterationSeconds - 1 : undefined;
    return [
      esc(r.title),
      r.memoryBytes === undefined ? '—' : `${gib(r.memoryBytes)}${r.fits === false ? ' <span class="bad">(does not fit)</span>' : ''}`,
      r.iterationSeconds === undefined ? '—' : seconds(r.iterationSeconds),
      r.mfu === undefined ? '—' : percent(r.mfu),
      faster === undefined || r === base ? '' : `${faster >= 0 ? '+' : '−'}${percent(Math.abs(faster))}`,
    ];
  });
  return '<h3>What if</h3>' + table('Each row changes one thing and is estimated the same way', ['change', 'memory per GPU', 'step time', 'MFU', 'step time vs as written'], cells, 'numbers what-if');
}

function listBlock(title: string, items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length === 0) return '';
  return `<details><summary>${esc(title)} (${unique.length})</summary><ul>${unique.map((i) => `<li>${esc(i)}</li>`).join('')}</ul></details>`;
}

/** Every assumption of every block, the plan's notes first. */
function assumptionsOf(file: PlanPageFile): string[] {
  const e = file.estimate;
  if (!e) return file.notes;
  return [...file.notes, ...e.assumptions, ...e.memory.assumptions, ...e.bubble.assumptions, ...e.time.assumptions, ...e.cost.assumptions];
}

function inputsBlock(inputs: PlanInput[]): string {
  if (inputs.length === 0) return '';
  const rows = inputs.map((i) => [esc(i.field), esc(i.value), i.key ? `<code>${esc(i.key)}</code>` : '<span class="dim">not written in the file (settings, a linked file, the catalog or a default: see the assumptions)</span>']);
  return table('Inputs and the key each came from', ['input', 'value', 'from'], rows, 'inputs');
}

/** One file's section of the page. */
export function planSection(file: PlanPageFile): string {
  const e = file.estimate;
  const parts = [`<section aria-labelledby="h-${esc(file.name)}"><h2 id="h-${esc(file.name)}">${esc(file.name)} <span class="dim">${esc(file.program)}</span></h2>`, `<p class="headline">${esc(file.headline)}</p>`];
  if (!e) {
    parts.push('<p class="missing">No estimate: TrainLint reads no training plan from this file.</p>', listBlock('What was read', file.notes), '</section>');
    return parts.join('');
  }
  // Numbers of the file that contradict each other: what follows is computed from the completed plan, and says so.
  if (e.conflicts.length > 0) parts.push(`<p class="bad" role="alert">The file's numbers disagree: ${esc(e.conflicts.join('; '))}. The figures below assume the completed plan (see the inputs).</p>`);
  parts.push(memoryBlock(e), scheduleBlock(e), timeBlock(e), costBlock(e), whatIfBlock(whatIf(e, { convention: e.flops.convention })), inputsBlock(file.inputs));
  parts.push(listBlock('Assumptions', assumptionsOf(file)));
  parts.push(listBlock('Missing inputs', [...e.missing, ...estimateSections(e).flatMap((s) => s.notes.filter((n) => n.startsWith('not available')))]));
  parts.push(listBlock('Sources', [...e.memory.sources, ...e.bubble.sources, ...e.time.sources, ...e.cost.sources]));
  parts.push('</section>');
  return parts.join('');
}

const STYLE = `
:root { color-scheme: light dark; }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 14px);
  color: var(--vscode-foreground, CanvasText); background: var(--vscode-editor-background, Canvas); margin: 1rem 1.5rem; max-width: 60rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid var(--vscode-panel-border, GrayText); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin-top: 1.2rem; } h3 span { font-weight: normal; margin-left: .5rem; }
.dim, .note, caption { color: var(--vscode-descriptionForeground, GrayText); }
.ok { color: var(--vscode-testing-iconPassed, light-dark(#2e7d32, #81c784)); } .warn { color: var(--vscode-editorWarning-foreground, light-dark(#8a5300, #ffb74d)); }
.bad { color: var(--vscode-errorForeground, light-dark(#c62828, #ef9a9a)); font-weight: bold; } .missing { font-style: italic; }
.chart { display: block; margin: .4rem 0; font: 12px var(--vscode-font-family, system-ui, sans-serif); }
.chart text { fill: var(--vscode-foreground, CanvasText); }
.chart .capacity { stroke: var(--vscode-foreground, CanvasText); stroke-width: 2; stroke-dasharray: 5 3; }
.chart .idle { fill: var(--vscode-editorWidget-background, rgba(128,128,128,.15)); stroke: rgba(128,128,128,.4); }
.legend { display: flex; flex-wrap: wrap; gap: .8rem; font-size: .9em; }
.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; border: 1px solid rgba(128,128,128,.6); }
.capacity-swatch { border: 0; border-left: 2px dashed currentColor; width: 0; } .idle-swatch { background: rgba(128,128,128,.2); }
table { border-collapse: collapse; margin: .4rem 0 1rem; } caption { text-align: left; font-size: .9em; padding-bottom: .2rem; }
th, td { border: 1px solid var(--vscode-panel-border, rgba(128,128,128,.4)); padding: .2rem .5rem; text-align: left; }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: .3rem 0; } summary { cursor: pointer; } summary:focus-visible, a:focus-visible { outline: 2px solid var(--vscode-focusBorder, Highlight); }
code { font-family: var(--vscode-editor-font-family, monospace); }
`;

/**
 * The whole page: self-contained HTML (inline style, no script, nothing fetched: the policy forbids any request), themed
 * by VS Code's variables in a webview and by the system's light or dark scheme in a browser.
 */
export function planPageHtml(title: string, files: PlanPageFile[]): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head>`
    + `<body><main><h1>${esc(title)}</h1>${files.map(planSection).join('')}`
    + `<p class="dim">Estimates from TrainLint's model; each figure's assumptions and sources are listed under it.</p></main></body></html>`;
}
