/** Bounds that keep parsing of hostile or huge input finite. */
export interface ParseLimits {
  /** Files longer than this many UTF-16 units are not parsed. */
  maxChars: number;
  /** Upper bound on tree nodes built, which bounds alias expansion ("billion laughs"). */
  maxNodes: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxChars: 5 * 1024 * 1024,
  maxNodes: 200_000,
};

/**
 * Deepest nesting of objects and arrays read: a training config is a few levels deep, and every walk over the tree
 * recurses, so deeper values are cut (Python's own json and PyYAML stop near 1,000 levels, RecursionError).
 */
export const MAX_DEPTH = 100;

export function nestingTooDeep(range: { start: number; end: number }): { kind: 'nesting-too-deep'; message: string; range: { start: number; end: number } } {
  return { kind: 'nesting-too-deep', message: `Nested more than ${MAX_DEPTH} levels deep; what lies deeper was not read.`, range };
}
