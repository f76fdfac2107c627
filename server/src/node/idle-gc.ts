import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection 3 s after the last edit frees the burst's garbage; V8 sizes the heap from the live bytes it finds,
// so a second one 10 s after the edit gives the grown heap back (bench/lsp-soak.ts: 81 -> 143 MiB during 5,000 edits,
// 89 MiB after the second collection; without them the server stayed at 153 MiB).
const COLLECT_AFTER_MS = [3_000, 10_000];

/**
 * Returns what to call on each edit: it (re)schedules two full garbage collections for when the edits stop. V8 collects
 * only when it allocates, so an idle language server otherwise keeps the heap a burst of typing grew. `gc` is taken
 * from V8 at run time (--expose-gc, then a fresh context's global), so no editor has to start Node with a flag.
 */
export function collectWhenIdle(delaysMs: number[] = COLLECT_AFTER_MS): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let timers: NodeJS.Timeout[] = [];
  return () => {
    for (const timer of timers) clearTimeout(timer);
    // unref: a pending collection never keeps the process alive after the client said exit.
    timers = delaysMs.map((ms) => setTimeout(gc, ms).unref());
  };
}
