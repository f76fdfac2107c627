/**
 * Versions of the frameworks a config is run with, as a workspace pins them (`transformers==4.46.0`,
 * `deepspeed>=0.14,<0.16`, poetry's `^0.14`), and their comparison. PEP 440 is followed as far as configs need it:
 * release numbers compare numerically with missing parts as zero; pre-releases count as their release.
 */

export const VERSIONED_FRAMEWORKS = ['deepspeed', 'transformers', 'trl', 'accelerate', 'gpt-neox'] as const;
export type VersionedFramework = (typeof VERSIONED_FRAMEWORKS)[number];
/** Exact versions or ranges by framework, as written (`4.46.0`, `>=4.40,<4.45`). */
export type Versions = Partial<Record<VersionedFramework, string>>;

export function isVersionedFramework(name: string): name is VersionedFramework {
  return (VERSIONED_FRAMEWORKS as readonly string[]).includes(name);
}

export type Release = number[];

export function parseRelease(text: string): Release | undefined {
  const m = /^\s*v?(\d+(?:\.\d+)*)/.exec(text);
  return m ? m[1].split('.').map(Number) : undefined;
}

export function compareReleases(a: Release, b: Release): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface Bound {
  op: '==' | '>=' | '>' | '<=' | '<' | '!=';
  release: Release;
}

/** A version constraint: every bound must hold. `exact` when it names one release. */
export interface VersionSpec {
  text: string;
  bounds: Bound[];
  exact?: Release;
}

/** Parses `4.46.0`, `==4.46`, `>=4.40,<4.45`, `~=4.40.1`, `==4.40.*`, `^0.14` (poetry), `*`; undefined when unreadable. */
export function parseVersionSpec(text: string): VersionSpec | undefined {
  const bounds: Bound[] = [];
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  for (const part of parts) {
    if (part === '*') continue;
    const m = /^(===|==|>=|<=|~=|!=|>|<|\^|~)?\s*v?(\d+(?:\.\d+)*)(\.\*)?(?:[a-zA-Z+][\w.+-]*)?$/.exec(part);
    if (!m) return undefined;
    const op = m[1] ?? '==';
    const release = m[2].split('.').map(Number);
    const wildcard = m[3] !== undefined;
    if ((op === '==' || op === '===') && wildcard) {
      bounds.push({ op: '>=', release }, { op: '<', release: bump(release, release.length - 1) });
    } else if (op === '==' || op === '===') {
      bounds.push({ op: '==', release });
    } else if (op === '~=') {
      if (release.length < 2) return undefined;
      bounds.push({ op: '>=', release }, { op: '<', release: bump(release, release.length - 2) });
    } else if (op === '^') {
      const first = release.findIndex((n) => n !== 0);
      bounds.push({ op: '>=', release }, { op: '<', release: bump(release, first === -1 ? release.length - 1 : first) });
    } else if (op === '~') {
      bounds.push({ op: '>=', release }, { op: '<', release: bump(release, Math.min(1, release.length - 1)) });
    } else {
      bounds.push({ op: op as Bound['op'], release });
    }
  }
  const equal = bounds.filter((b) => b.op === '==');
  return { text, bounds, exact: equal.length === 1 && bounds.length === 1 ? equal[0].release : undefined };
}

function bump(release: Release, index: number): Release {
  return [...release.slice(0, index), (release[index] ?? 0) + 1];
}

export function satisfies(release: Release, spec: VersionSpec): boolean {
  return spec.bounds.every((b) => {
    const c = compareReleases(release, b.release);
    switch (b.op) {
      case '==':
        return c === 0;
      case '!=':
        return c !== 0;
      case '>=':
        return c >= 0;
      case '>':
        return c > 0;
      case '<=':
        return c <= 0;
      case '<':
        return c < 0;
    }
  });
}

/** Whether every release a spec allows comes before `release` (`==4.27.1`, `<5.0`, `>=4.53,<=4.57` before 5.0). */
export function allBefore(spec: VersionSpec, release: Release): boolean {
  return spec.bounds.some((b) => (b.op === '<' ? compareReleases(b.release, release) <= 0 : (b.op === '<=' || b.op === '==') && compareReleases(b.release, release) < 0));
}

/** The lowest release a spec allows, when it states one. */
export function lowerBound(spec: VersionSpec): Release | undefined {
  const lows = spec.bounds.filter((b) => b.op === '==' || b.op === '>=').map((b) => b.release);
  return lows.sort(compareReleases).pop();
}

/** Whether a spec caps the releases it allows (`<5.0`, `<=4.57`, `==4.46`): `>=4.31` alone says what it was tested from, not up to. */
export function hasUpperBound(spec: VersionSpec): boolean {
  return spec.exact !== undefined || spec.bounds.some((b) => b.op === '<' || b.op === '<=' || b.op === '==');
}
