import { rankSuggestions } from '../util/did-you-mean';
import { ACCELERATORS, type Accelerator } from './accelerators';

const VENDOR_WORDS = new Set(['nvidia', 'amd', 'tesla', 'geforce', 'instinct', 'rtx']);
const FORM_FACTORS = ['sxm', 'pcie', 'nvl'];

/** Lower-case alphanumeric words without vendor names: "NVIDIA A100-SXM4 80GB" -> ["a100", "sxm4", "80gb"]. */
function words(name: string): string[] {
  return name.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '' && !VENDOR_WORDS.has(w));
}

function squash(name: string): string {
  return words(name).join('');
}

/** The family words an accelerator answers to: the first word of each alias ("a100" for "a100-80gb"). */
function families(gpu: Accelerator): Set<string> {
  return new Set(gpu.aliases.map((alias) => words(alias)[0]).filter((w): w is string => w !== undefined));
}

function statedMemoryGiB(tokens: string[]): number | undefined {
  for (const token of tokens) {
    const match = token.match(/^(\d+)g(b|ib)?$/);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * The accelerator for a common spelling: "a100-80gb", "A100 80GB", "h100", "H100-SXM", "NVIDIA H100 PCIe",
 * "A100-80GB (Selene DGX A100)", "mi300x", "v100 16gb". A family name alone picks the most common training variant
 * (A100 -> 80GB SXM, H100 -> SXM, V100 -> 32GB); a stated memory size or form factor narrows it.
 */
export function findGpu(name: string): Accelerator | undefined {
  const wanted = squash(name);
  if (wanted === '') return undefined;
  const exact = ACCELERATORS.find((a) => squash(a.id) === wanted || a.aliases.some((alias) => squash(alias) === wanted));
  if (exact) return exact;
  const tokens = words(name);
  const candidates = ACCELERATORS.filter((a) => tokens.some((t) => families(a).has(t)));
  if (candidates.length === 0) return undefined;
  const memory = statedMemoryGiB(tokens);
  const formFactor = FORM_FACTORS.find((f) => tokens.some((t) => t.startsWith(f)));
  const matching = candidates
    .filter((a) => memory === undefined || a.memoryGiB === memory)
    .filter((a) => formFactor === undefined || words(a.id + ' ' + a.name).some((w) => w.startsWith(formFactor)));
  // Among the variants left, the family's default is the one whose alias is the bare family word.
  return matching.find((a) => a.aliases.some((alias) => tokens.includes(alias))) ?? matching[0];
}

/** Why a GPU name is not understood, with the catalog names closest to it. */
export function unknownGpuMessage(name: string): string {
  // Each GPU by its most telling alias ("a100-80gb" rather than "a100"), as users type it in --gpu.
  const names = ACCELERATORS.map((a) => a.aliases.find((alias) => alias.includes('-')) ?? a.aliases[0] ?? a.id);
  const displayOf = new Map(ACCELERATORS.flatMap((a, i) => [a.id, ...a.aliases].map((alias) => [alias, names[i]] as const)));
  const close = [...new Set(rankSuggestions(name, displayOf.keys(), 12).map((s) => displayOf.get(s.candidate)!))].slice(0, 3);
  return `GPU "${name}" is not in the catalog; ${close.length > 0 ? `did you mean ${close.join(', ')}? ` : ''}known: ${names.join(', ')}`;
}
