import data from './co-pins.json';
import { compareReleases, parseRelease, parseVersionSpec, satisfies, type Release, type VersionSpec } from './version-spec';

/**
 * Pins of packages a framework depends on bound the framework pip can install beside them: a workspace pinning
 * `tokenizers==0.15.1` runs a transformers whose wheel admits that tokenizers (4.35 to 4.39), one pinning
 * `huggingface-hub<1.0` a transformers before 5.0 (whose wheels require huggingface-hub>=1.3), one pinning transformers
 * 4.37.2 a TRL before 0.11 (later ones require transformers>=4.40). co-pins.json holds each read release's requirements
 * (scripts/gen-co-pins.py, from the wheels' METADATA).
 */

/** Packages that are no framework TrainLint knows per version, but bound one. */
export type CoPinPackage = 'tokenizers' | 'huggingface-hub';
/** The frameworks whose releases' requirements are read. */
export type BoundFramework = 'transformers' | 'trl';

const REQUIRES = (data as { requires: Record<BoundFramework, Record<string, Record<string, string>>> }).requires;

/** Whether some version satisfies both specs, probed at their bounds (and just past them) and at 0. */
function overlap(a: VersionSpec, b: VersionSpec): boolean {
  const probes: Release[] = [[0]];
  for (const bound of [...a.bounds, ...b.bounds]) probes.push(bound.release, [...bound.release, 1]);
  return probes.some((r) => satisfies(r, a) && satisfies(r, b));
}

/** A release whose requirements admit the pinned packages. */
function admits(framework: BoundFramework, release: string, coPins: Record<string, string>): boolean {
  return Object.entries(coPins).every(([pkg, pinned]) => {
    const required = REQUIRES[framework][release]?.[pkg];
    const a = required ? parseVersionSpec(required) : undefined;
    const b = parseVersionSpec(pinned);
    return !a || !b || overlap(a, b);
  });
}

/**
 * The bounds pinned packages put on a framework, as a spec to add to its own (`>=4.35,<4.40`), with the releases read
 * as the steps; undefined when they rule nothing out (or everything, which is a broken pin, not a bound).
 */
export function impliedSpec(framework: BoundFramework, coPins: Record<string, string>): string | undefined {
  if (Object.keys(coPins).length === 0) return undefined;
  const releases = Object.keys(REQUIRES[framework]).sort((x, y) => compareReleases(parseRelease(x) ?? [0], parseRelease(y) ?? [0]));
  const ok = releases.map((r) => admits(framework, r, coPins));
  const first = ok.indexOf(true);
  const last = ok.lastIndexOf(true);
  if (first === -1 || (first === 0 && last === releases.length - 1)) return undefined;
  // transformers' and TRL's keys change in minor releases and the newest patch of each is read: the bounds are minors.
  const minor = (release: string) => release.split('.').slice(0, 2).join('.');
  const bounds: string[] = [];
  if (first > 0) bounds.push(`>=${minor(releases[first])}`);
  if (last < releases.length - 1) bounds.push(`<${minor(releases[last + 1])}`);
  return bounds.join(',');
}
