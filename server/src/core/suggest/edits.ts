import type { FileAnalysis, LinkedFile } from '../analyze';
import { batchFactsFor } from '../facts/batch-facts';
import { programOf } from '../programs/index';
import { batchEdits, type FileEdits } from '../rescale/global-batch';
import type { Settings } from '../settings';
import { layoutChanges, type Layout } from './layout';

export interface SuggestionWrite {
  /** Edits per file: the file asked on (no path) and the files it links to that state a part of the layout. */
  files: FileEdits[];
  /** What no file's program can take as an edit, in words. */
  byHand: string[];
}

const worldOf = (l: Layout) => l.tp * l.pp * l.cp * l.dp;

/**
 * The edits that make a file and the configs it links to state a suggested layout: the batch fields wherever a file
 * states them (micro-batch and accumulation at the same global batch, as rescale writes them), the model split,
 * sharding and recomputation by the writer of the first file whose program has one (a Megatron script before the
 * DeepSpeed config it names; an HF Trainer YAML has none, so its DeepSpeed config's). What none can express is returned
 * in words, never written as a guess.
 */
export function suggestionEdits(analysis: FileAnalysis, settings: Settings, linked: LinkedFile[], from: Layout, to: Layout, global: number, fileWorld: number): SuggestionWrite {
  const files = [{ analysis, settings, path: undefined as string | undefined }, ...linked.filter((l) => l.analysis).map((l) => ({ analysis: l.analysis!, settings: l.analysis!.settings, path: l.path }))];
  const edits = new Map<string | undefined, FileEdits>();
  const add = (path: string | undefined, more: FileEdits['edits']) => {
    if (more.length === 0) return;
    const entry = edits.get(path) ?? { ...(path ? { path } : {}), edits: [] };
    entry.edits.push(...more);
    edits.set(path, entry);
  };
  const byHand: string[] = [];
  if (from.micro !== to.micro || from.accum !== to.accum) {
    let stated = false;
    for (const file of files) {
      const root = file.analysis.roots[0];
      const facts = root && batchFactsFor(file.analysis.format, root, file.settings);
      if (!facts) continue;
      stated = true;
      add(file.path, batchEdits(file.analysis.tree.language, file.analysis.text, facts, { global, micro: to.micro, accum: to.accum }));
    }
    if (!stated) byHand.push(`micro-batch ${to.micro} with ${to.accum} accumulation steps`);
  }
  const writerFile = files.find((f) => f.analysis.roots[0] && programOf(f.analysis.format)?.layoutWriter);
  if (writerFile) {
    const { analysis: a, settings: s, path } = writerFile;
    const written = programOf(a.format)!.layoutWriter!({ tree: a.tree, root: a.roots[0], text: a.text, settings: s, format: a.format }, from, to);
    add(path, written.edits);
    byHand.push(...written.byHand);
  } else {
    byHand.push(...layoutChanges(from, { ...to, micro: from.micro, accum: from.accum }).filter((c) => !c.startsWith('DP ')));
  }
  if (fileWorld !== worldOf(to)) byHand.push(`launch on ${worldOf(to)} GPUs (the file runs ${fileWorld})`);
  return { files: [...edits.values()], byHand };
}
