// Numbers the way a person reads them: binary GiB for memory (what nvidia-smi and PyTorch print), percents, days.
const GIB = 2 ** 30;

export function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(bytes >= 100 * GIB ? 0 : 1)} GiB`;
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

export function seconds(value: number): string {
  if (value < 1) return `${(value * 1000).toFixed(0)} ms`;
  if (value < 120) return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  return `${(value / 60).toFixed(1)} min`;
}

export function days(value: number): string {
  return value < 1 ? `${(value * 24).toFixed(1)} hours` : `${value.toFixed(value < 10 ? 1 : 0)} days`;
}

/** 8.03B, 405M, 12.9T: counts of parameters, tokens or FLOPs. */
export function count(value: number): string {
  const units: Array<[number, string]> = [[1e15, 'P'], [1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (Math.abs(value) >= size) return `${(value / size).toFixed(value / size >= 100 ? 0 : 2)}${suffix}`;
  return String(Math.round(value));
}

export function usd(value: number): string {
  return `$${value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)}`;
}
