import { shellFactsOf } from '../shell/shell-config';
import type { RuleContext } from './rule';

/**
 * The folder a launch script runs its program from when TrainLint cannot see it, as written: a `cd` to a folder only the
 * environment names or an absolute path (read from the script), or a relative one the workspace does not hold (a
 * submodule, another checkout: found by the front end). Whether a value or a flag is taken is that checkout's to decide.
 */
export function checkoutOutOfReach(ctx: RuleContext): string | undefined {
  if (ctx.tree.language !== 'shell') return undefined;
  return shellFactsOf(ctx.tree)?.checkout ?? ctx.settings.unseenCheckout;
}
