import assert from 'node:assert/strict';

/** Decimals printed in a number as written in the source ("41.3" -> 1, "4187" -> 0). */
function printedDecimals(printed: number): number {
  const text = String(printed);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * Agreement "to the printed digit": within one unit of the last digit the source printed. The ZeRO paper both rounds
 * (41.25 -> 41.3) and truncates (4187.5 -> 4187), so one unit, not half a unit.
 */
export function assertToPrintedDigit(actual: number, printed: number, label: string): void {
  const unit = 10 ** -printedDecimals(printed);
  assert.ok(Math.abs(actual - printed) <= unit * (1 + 1e-9), `${label}: ${actual} vs printed ${printed} (one unit = ${unit})`);
}

export function assertRelative(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(Number.isFinite(actual), `${label}: not a number (${actual})`);
  assert.ok(Math.abs(actual / expected - 1) <= tolerance, `${label}: ${actual} vs ${expected} (allowed ${100 * tolerance}%)`);
}

export function assertAbsolute(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(Number.isFinite(actual), `${label}: not a number (${actual})`);
  assert.ok(Math.abs(actual - expected) <= tolerance + 1e-12, `${label}: ${actual} vs ${expected} (allowed +-${tolerance})`);
}

/** "7.6B" -> 7.6e9 with the unit of its last digit (0.1e9); "0.5T" -> 5e11 with unit 1e11. */
export function parseModelSize(text: string): { value: number; unit: number } {
  const match = text.match(/^([\d.]+)\s*([BT])$/);
  if (!match) throw new Error(`not a model size: ${text}`);
  const scale = match[2] === 'T' ? 1e12 : 1e9;
  return { value: Number(match[1]) * scale, unit: 10 ** -printedDecimals(Number(match[1])) * scale };
}
