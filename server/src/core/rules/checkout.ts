import type { ConfigTree } from '../syntax/config-tree';
import type { Settings } from '../settings';
import { shellFactsOf } from '../shell/shell-config';
import type { RuleContext } from './rule';

/**
 * The folder a launch script runs its program from when TrainLint cannot see it, as written: a `cd` to a folder only the
 * environment names or an absolute path (read from the script), or a relative one the workspace does not hold (a
 * submodule, another checkout: found by the front end). Whether a value or a flag is taken is that checkout's to decide.
 * None when the front end found and read the program (`cd "$(dirname "$0")/../.."` reaching the repository's own).
 */
export function checkoutOf(tree: ConfigTree, settings: Settings): string | undefined {
  if (tree.language !== 'shell' || settings.program) return undefined;
  return shellFactsOf(tree)?.checkout ?? settings.unseenCheckout;
}

export function checkoutOutOfReach(ctx: RuleContext): string | undefined {
  return checkoutOf(ctx.tree, ctx.settings);
}
