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
