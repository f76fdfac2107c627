import { FAILSAFE_SCHEMA, loadAll, type State } from 'js-yaml';
import { childPointer, indexDocument, type ConfigNode, type ConfigTree, type SyntaxProblem } from './config-tree';
import type { ParseLimits } from './limits';
import { resolvePlainScalar, type YamlResolver } from './yaml-scalars';

/** A node as js-yaml composes it, with where its text starts and ends. */
interface RawNode {
  kind: 'scalar' | 'mapping' | 'sequence' | 'alias';
  start: number;
  end: number;
  value?: string;
  anchor?: string;
  alias?: string;
  tag?: string;
  children: RawNode[];
}

/**
 * The fast path for well-formed YAML: js-yaml composes the stream (every scalar a string, as the failsafe schema
 * reads it) and reports where each node opens and closes; the tree is built from those events and typed the way
 * the consuming Python loader types it. Returns undefined whenever the text needs the careful path
 * (a syntax error, a duplicate key, a form whose events do not pair up), which then reports what it finds.
 */
export function parseYamlFast(text: string, resolver: YamlResolver, limits: ParseLimits): ConfigTree | undefined {
  // js-yaml drops a leading byte order mark (a second one: source.ts strips the first), so its positions would be one
  // short and fixes would land a character early.
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const stack: RawNode[][] = [[]];
  const open: number[] = [];
  const listener = (event: 'open' | 'close', state: State) => {
    if (event === 'open') {
      open.push(state.position);
      stack.push([]);
      return;
    }
    const children = stack.pop()!;
    const node = rawNode(text, open.pop()!, state, children);
    // A flow collection that starts a line in block context (`{...}` as the whole file, `- [1, 2]`, a value on the
    // line below its key) is composed inside a second node opened at the same place (js-yaml's readBlockMapping first
    // tries it as an implicit key): the same collection twice, of which the inner one is the node.
    const only = children.length === 1 ? children[0] : undefined;
    const wrapper = only !== undefined && node.kind !== 'scalar' && only.kind === node.kind && only.start === node.start;
    stack[stack.length - 1].push(wrapper ? only : node);
  };
  try {
    loadAll(text, undefined, { schema: FAILSAFE_SCHEMA, listener });
  } catch {
    return undefined;
  }
  const roots = stack[0];
  const anchors = new Map<string, RawNode>();
  const builder = new FastBuilder(text, resolver, limits, anchors);
  const problems: SyntaxProblem[] = [];
  try {
    const documents = roots.map((raw) => indexDocument(builder.build(raw, '', false, 0)));
    if (builder.limitHit) problems.push({ kind: 'alias-limit', message: `YAML expands to more than ${limits.maxNodes} nodes (aliases nested too deep); the rest was not analysed.`, range: { start: 0, end: 0 } });
    return { language: 'yaml', documents, problems };
  } catch {
    return undefined; // A mapping whose events do not pair up: leave it to the careful path.
  }
}

function skipSpaceAndComments(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\ufeff') i++;
    else if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else return i;
  }
}

/** Skips node properties (an anchor `&name`, a tag `!tag`) and the spaces after them. */
function skipProperties(text: string, at: number): number {
  let i = skipSpaceAndComments(text, at);
  while (text[i] === '&' || text[i] === '!') {
    while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    i = skipSpaceAndComments(text, i);
  }
  return i;
}

function trimEnd(text: string, start: number, end: number): number {
  let e = Math.min(end, text.length);
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

function rawNode(text: string, openedAt: number, state: State, children: RawNode[]): RawNode {
  const start = skipProperties(text, openedAt);
  const first = text[start];
  const anchor = (state as State & { anchor?: string }).anchor ?? undefined;
  const tag = (state as State & { tag?: string | null }).tag ?? undefined;
  if (first === '*') {
    let e = start + 1;
    while (e < text.length && !/[\s,\]}]/.test(text[e])) e++;
    return { kind: 'alias', start, end: e, alias: text.slice(start + 1, e), children: [] };
  }
  const kind = state.kind === 'mapping' || state.kind === 'sequence' ? state.kind : 'scalar';
  let end = trimEnd(text, start, state.position);
  if (kind === 'scalar' && (first === undefined || /[\r\n#]/.test(first) || start >= end)) {
    // An empty value (`key:` with nothing after it) sits where the key's line ends.
    return { kind, start: openedAt, end: openedAt, value: '', anchor, tag, children };
  }
  if (kind === 'scalar' && first !== '"' && first !== "'" && first !== '|' && first !== '>') {
    // A plain scalar ends before a comment on its line.
    const hash = text.slice(start, end).search(/\s#/);
    if (hash !== -1) end = trimEnd(text, start, start + hash);
  }
  return { kind, start, end, value: kind === 'scalar' ? String(state.result ?? '') : undefined, anchor, tag, children };
}

class FastBuilder {
  private nodes = 0;
  limitHit = false;

  constructor(
    private readonly text: string,
    private readonly resolver: YamlResolver,
    private readonly limits: ParseLimits,
    private readonly anchors: Map<string, RawNode>,
  ) {}

  build(raw: RawNode, pointer: string, viaAlias: boolean, depth: number): ConfigNode | undefined {
    if (++this.nodes > this.limits.maxNodes) {
      this.limitHit = true;
      return undefined;
    }
    if (raw.anchor) this.anchors.set(raw.anchor, raw);
    const range = { start: raw.start, end: raw.end };
    if (raw.kind === 'alias') {
      const target = depth < 64 ? this.anchors.get(raw.alias ?? '') : undefined;
      if (!target) return { kind: 'scalar', pointer, range, value: null, raw: '', style: 'plain', children: [], viaAlias: true };
      const built = this.build(target, pointer, true, depth + 1);
      if (built) built.range = range;
      return built;
    }
    if (raw.kind === 'scalar') {
      const first = this.text[raw.start];
      const style = first === '"' || first === "'" ? 'quoted' : first === '|' || first === '>' ? 'block' : 'plain';
      const text = raw.value ?? '';
      let value = style === 'plain' ? resolvePlainScalar(text, this.resolver) : text;
      const tag = raw.tag ?? '';
      if (tag.endsWith(':str')) value = text;
      else if ((tag.endsWith(':float') || tag.endsWith(':int')) && text.trim() !== '' && !Number.isNaN(Number(text))) value = Number(text);
      // `!!str 2e-5` says "a string" as plainly as quotes do.
      return { kind: 'scalar', pointer, range, value, raw: text, style: style === 'plain' && tag.endsWith(':str') ? 'quoted' : style, children: [], viaAlias };
    }
    if (raw.kind === 'sequence') {
      const children: ConfigNode[] = [];
      raw.children.forEach((item, i) => {
        const child = this.build(item, childPointer(pointer, i), viaAlias, depth);
        if (child) {
          child.key = i;
          children.push(child);
        }
      });
      return { kind: 'array', pointer, range, children, viaAlias };
    }
    if (raw.children.length % 2 !== 0) throw new Error('unpaired mapping');
    const children: ConfigNode[] = [];
    const merged: ConfigNode[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < raw.children.length; i += 2) {
      const keyRaw = raw.children[i];
      const valueRaw = raw.children[i + 1];
      if (keyRaw.kind !== 'scalar') throw new Error('complex key');
      const key = keyRaw.value ?? '';
      const keyRange = { start: keyRaw.start, end: keyRaw.end };
      if (key === '<<' && this.text[keyRaw.start] === '<') {
        merged.push(...this.mergeSources(valueRaw, pointer, depth));
        continue;
      }
      const childPtr = childPointer(pointer, key);
      // An empty value sits right after the key's colon, where the careful path puts it too.
      let colon = keyRange.end;
      while (this.text[colon] === ' ' || this.text[colon] === '\t') colon++;
      const emptyAt = this.text[colon] === ':' ? colon + 1 : keyRange.end;
      const value = valueRaw.kind === 'scalar' && valueRaw.start === valueRaw.end && valueRaw.value === ''
        ? ({ kind: 'scalar', pointer: childPtr, range: { start: emptyAt, end: emptyAt }, value: null, raw: '', style: 'plain', children: [] } as ConfigNode)
        : this.build(valueRaw, childPtr, viaAlias, depth);
      if (!value) continue;
      value.key = key;
      value.keyRange = keyRange;
      seen.add(key);
      children.push(value);
    }
    for (const item of merged) {
      const key = String(item.key);
      if (seen.has(key)) continue;
      seen.add(key);
      children.push(item);
    }
    return { kind: 'object', pointer, range, children, viaAlias };
  }

  private mergeSources(value: RawNode, pointer: string, depth: number): ConfigNode[] {
    const sources = value.kind === 'sequence' ? value.children : [value];
    const out: ConfigNode[] = [];
    for (const source of sources) {
      const built = this.build(source, pointer, true, depth + 1);
      // A merge of anything but mappings is a load error, which the careful path reports with its place.
      if (built && built.kind !== 'object') throw new Error('merge of a non-mapping');
      if (!built || built.kind !== 'object') continue;
      for (const child of built.children) {
        if (out.some((c) => c.key === child.key)) continue;
        relocate(child, childPointer(pointer, String(child.key)));
        child.keyRange = { start: value.start, end: value.end };
        child.viaAlias = true;
        out.push(child);
      }
    }
    return out;
  }
}

function relocate(node: ConfigNode, pointer: string): void {
  node.pointer = pointer;
  for (const child of node.children) relocate(child, childPointer(pointer, String(child.key)));
}
