import { ACCELERATORS, type Accelerator } from './accelerators';

/** Lower case with vendor words and separators removed: "NVIDIA A100-SXM4 80GB" -> "a100sxm480gb". */
function squash(name: string): string {
  return name
    .toLowerCase()
    .replace(/\b(nvidia|amd|tesla|geforce|instinct)\b/g, '')
    .replace(/gib|gb|g\b/g, 'gb')
    .replace(/[^a-z0-9]/g, '');
}

/** "h100sxm" starts with the name "h100", but "l40s" does not start with the name "l4". */
function startsWithName(text: string, name: string): boolean {
  return name !== '' && text.startsWith(name) && !/^\d/.test(text.slice(name.length));
}

const MEMORY_SIZES = [16, 24, 32, 40, 48, 80, 94, 96, 128, 141, 180, 186, 192, 256];

function statedMemory(squashed: string): number | undefined {
  const match = squashed.match(/(\d+)gb/);
  if (!match) return undefined;
  const value = Number(match[1]);
  return MEMORY_SIZES.includes(value) ? value : undefined;
}

/**
 * The accelerator for a common spelling: "a100-80gb", "A100 80GB", "h100", "H100-SXM", "NVIDIA H100 PCIe", "mi300x",
 * "v100 16gb". A family name alone picks the most common training variant (A100 -> 80GB SXM, H100 -> SXM, V100 -> 32GB),
 * and a stated memory size or form factor narrows it.
 */
export function findGpu(name: string): Accelerator | undefined {
  const wanted = squash(name);
  if (wanted === '') return undefined;
  const byId = ACCELERATORS.find((a) => squash(a.id) === wanted || a.aliases.some((alias) => squash(alias) === wanted));
  if (byId) return byId;
  const families = ACCELERATORS.filter((a) => a.aliases.some((alias) => startsWithName(wanted, squash(alias).replace(/\d+gb$/, ''))));
  if (families.length === 0) return undefined;
  const memory = statedMemory(wanted);
  const formFactor = ['pcie', 'nvl', 'sxm'].find((f) => wanted.includes(f));
  const ranked = families
    .filter((a) => memory === undefined || a.memoryGiB === memory)
    .filter((a) => formFactor === undefined || squash(a.id + ' ' + a.name).includes(formFactor));
  if (ranked.length > 0) return ranked.find((a) => a.aliases.some((alias) => startsWithName(wanted, squash(alias)))) ?? ranked[0];
  return undefined;
}
