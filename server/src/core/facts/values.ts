import type { ConfigNode } from '../syntax/config-tree';

/** A numeric setting as written: a number, "auto", or something else that could not be read as a number. */
export interface NumberField {
  node: ConfigNode;
  /** The key as the user wrote it, for messages. */
  name: string;
  value: number | 'auto' | undefined;
}

export function readNumberField(node: ConfigNode | undefined, name?: string): NumberField | undefined {
  if (!node || node.kind !== 'scalar') return undefined;
  const label = name ?? String(node.key ?? '');
  if (node.value === 'auto') return { node, name: label, value: 'auto' };
  if (typeof node.value === 'number' && Number.isFinite(node.value)) return { node, name: label, value: node.value };
  if (typeof node.value === 'string' && /^[-+]?\d+(?:\.\d+)?$/.test(node.value.trim())) return { node, name: label, value: Number(node.value) };
  return { node, name: label, value: undefined };
}

export function numericValue(field: NumberField | undefined): number | undefined {
  return typeof field?.value === 'number' ? field.value : undefined;
}

/** The number a node holds, if it holds one. */
export const numberAt = (node: ConfigNode | undefined): number | undefined => numericValue(readNumberField(node));

/** The first node present. */
export const firstNode = (...nodes: Array<ConfigNode | undefined>): ConfigNode | undefined => nodes.find((n) => n !== undefined);

/**
 * A switch as the programs read it (Python truthiness of YAML/JSON values; "false", "no", "off", "none", "null" and 0
 * off), or undefined where the file leaves it open: "auto", null, a `${VAR}` placeholder a template fills, no scalar.
 * The plan, the estimate and the rules all read switches through it.
 */
export function switchValue(node: ConfigNode | undefined): boolean | undefined {
  if (!node || node.kind !== 'scalar' || node.value === null) return undefined;
  const value = node.value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'auto') return undefined;
    // `${BF16}` (envsubst, a job template): filled in before any program reads the file, so its value is unknown here.
    if (/^\$\{\w+\}$/.test(text)) return undefined;
    return !['false', '0', 'no', 'off', 'none', 'null', ''].includes(text);
  }
  return undefined;
}

export function isSwitchOn(node: ConfigNode | undefined): boolean {
  return switchValue(node) === true;
}
