/**
 * Matches a forward-slash path against a glob: `*` within a segment, `**` across segments, `?` one character.
 * A pattern without a slash matches the file name anywhere, and a leading slash anchors it to the root, as .gitignore does.
 */
export function globToRegExp(pattern: string): RegExp {
  const anchored = pattern.startsWith('/');
  const glob = anchored ? pattern.slice(1) : pattern;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(anchored || glob.includes('/') ? `^${out}$` : `(?:^|/)${out}$`);
}

export function matchesGlob(path: string, glob: string): boolean {
  return globToRegExp(glob.replace(/^\.\//, '')).test(path.replace(/\\/g, '/').replace(/^\.\//, ''));
}
