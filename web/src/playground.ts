// The playground: TrainLint's pure core in the browser. Paste a config, pick the GPU, the cluster and the model; see
// the diagnostics with their fixes and the plan page; the state travels in the URL's fragment, so a link shares it.
// No server and no request: the page and this bundle are all there is (web/index.html's policy forbids the rest).
import { analyze, applyEdits, LineIndex, type Diagnostic, type Settings } from '../../server/src/core/index';
import { ACCELERATORS } from '../../server/src/core/catalog/accelerators';
import { planPageFile } from '../../server/src/core/report/plan-file';
import { planPageHtml } from '../../server/src/core/report/plan-page';

interface State {
  name: string;
  text: string;
  gpu: string;
  nodes: number;
  gpusPerNode: number;
  model: string;
  seqLength: string;
}

const DEFAULT: State = {
  name: 'ds_config.json',
  text: '{\n  "train_batch_size": 512,\n  "train_micro_batch_size_per_gpu": 4,\n  "gradient_accumulation_steps": 8,\n  "zero_optimization": { "stage": 3, "overlap_com": true },\n  "bf16": { "enabled": true }\n}\n',
  gpu: 'h100_sxm',
  nodes: 2,
  gpusPerNode: 8,
  model: 'meta-llama/Llama-3.1-8B',
  seqLength: '4096',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The state in the fragment: base64 of UTF-8 JSON, so any config text survives a link. */
function readState(): State {
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(decodeURIComponent(location.hash.slice(1))), (c) => c.charCodeAt(0)));
    return { ...DEFAULT, ...JSON.parse(json) };
  } catch {
    return DEFAULT;
  }
}

function writeState(state: State): void {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  history.replaceState(null, '', `#${encodeURIComponent(btoa(String.fromCharCode(...bytes)))}`);
}

function currentState(): State {
  return {
    name: $<HTMLInputElement>('name').value.trim() || DEFAULT.name,
    text: $<HTMLTextAreaElement>('text').value,
    gpu: $<HTMLSelectElement>('gpu').value,
    nodes: Number($<HTMLInputElement>('nodes').value) || 1,
    gpusPerNode: Number($<HTMLInputElement>('gpus-per-node').value) || 8,
    model: $<HTMLInputElement>('model').value.trim(),
    seqLength: $<HTMLInputElement>('seq-length').value.trim(),
  };
}

function settingsOf(state: State): Settings {
  const seq = Number(state.seqLength);
  return {
    cluster: { nodes: state.nodes, gpusPerNode: state.gpusPerNode, gpu: state.gpu },
    ...(state.model ? { model: state.model } : {}),
    ...(Number.isInteger(seq) && seq > 0 ? { seqLength: seq } : {}),
  };
}

function render(): void {
  const state = currentState();
  writeState(state);
  const settings = settingsOf(state);
  const analysis = analyze(state.text, { path: state.name, settings });
  const lines = new LineIndex(analysis.text);
  const list = $<HTMLUListElement>('diagnostics');
  list.replaceChildren(...analysis.diagnostics.map((d) => diagnosticItem(d, lines)));
  $('summary').textContent = analysis.format === 'unknown' ? `Not read as a training config: ${analysis.detection.reason}` : `${analysis.diagnostics.length} finding(s)`;
  const page = planPageHtml(`TrainLint plan: ${state.name}`, [planPageFile({ analysis, settings, linked: [] }, state.name)]);
  $<HTMLIFrameElement>('plan').srcdoc = page;
}

function diagnosticItem(d: Diagnostic, lines: LineIndex): HTMLLIElement {
  const item = document.createElement('li');
  item.className = d.severity;
  const at = lines.positionAt(d.range.start);
  item.append(`${at.line + 1}:${at.character + 1} ${d.severity} ${d.rule}: ${d.message}`);
  for (const fix of d.fixes) {
    const button = document.createElement('button');
    button.textContent = fix.title;
    button.addEventListener('click', () => {
      const area = $<HTMLTextAreaElement>('text');
      area.value = applyEdits(area.value, fix.edits).text;
      render();
    });
    item.append(' ', button);
  }
  return item;
}

function start(): void {
  const state = readState();
  const gpu = $<HTMLSelectElement>('gpu');
  gpu.replaceChildren(...ACCELERATORS.map((a) => new Option(`${a.id}: ${a.name}`, a.id)));
  $<HTMLInputElement>('name').value = state.name;
  $<HTMLTextAreaElement>('text').value = state.text;
  gpu.value = state.gpu;
  $<HTMLInputElement>('nodes').value = String(state.nodes);
  $<HTMLInputElement>('gpus-per-node').value = String(state.gpusPerNode);
  $<HTMLInputElement>('model').value = state.model;
  $<HTMLInputElement>('seq-length').value = state.seqLength;
  let timer: ReturnType<typeof setTimeout> | undefined;
  document.querySelectorAll('input, select, textarea').forEach((el) => el.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(render, 250);
  }));
  render();
}

start();
