import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, isPair, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import { childPointer, indexDocument, sameScalar, type ConfigNode, type ConfigTree, type SyntaxProblem } from './config-tree';
import { DEFAULT_LIMITS, MAX_DEPTH, nestingTooDeep, type ParseLimits } from './limits';
import { tooLarge } from './from-json';
import { resolvePlainScalar, type YamlResolver } from './yaml-scalars';
import { parseYamlFast } from './from-yaml-fast';
import { boundYamlNesting } from './yaml-depth';

type Range3 = [number, number, number];

/**
 * Parses every document of a YAML stream into config trees. Scalars are parsed as strings
 * (YAML failsafe schema) and typed here the way the consuming Python loader types them.
 * Aliases and `<<` merge keys are expanded, bounded by `limits.maxNodes`.
 */
export function parseYaml(text: string, resolver: YamlResolver = 'pyyaml', limits: ParseLimits = DEFAULT_LIMITS): ConfigTree {
  if (text.length > limits.maxChars) {
    return { language: 'yaml', documents: [], problems: [tooLarge(text, limits)] };
  }
  const bounded = boundYamlNesting(asPyYamlLines(text));
  // Well-formed files (nearly all, nearly always) take js-yaml's fast path; anything it declines comes here.
  const tree = parseYamlFast(bounded.text, resolver, limits) ?? parseYamlCareful(bounded.text, resolver, limits);
  if (bounded.cut && !tree.problems.some((p) => p.kind === 'nesting-too-deep')) tree.problems.push(nestingTooDeep(bounded.cut));
  return cutDeepNodes(tree);
}

/**
 * The text with each line break PyYAML knows written as `\n`: a lone CR, NEL, U+2028 and U+2029 break lines for PyYAML
 * (reader.py, scanner.py) but not for the parsers here, which read `lr_scheduler_type:\rsine` as one line (fuzz seed
 * 7004 case 32,994; seed 7002 case 51,558). Each is one code unit, so every offset still points at the source.
 */
function asPyYamlLines(text: string): string {
  return /[\r\u0085\u2028\u2029]/.test(text) ? text.replace(/\r(?!\n)|[\u0085\u2028\u2029]/g, '\n') : text;
}

/** Empties the collections nested deeper than MAX_DEPTH (iteratively), so no walk over the tree recurses without bound. */
function cutDeepNodes(tree: ConfigTree): ConfigTree {
  let cut: ConfigNode | undefined;
  for (const doc of tree.documents) {
    const stack: Array<[ConfigNode, number]> = doc.root ? [[doc.root, 0]] : [];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (depth >= MAX_DEPTH && node.children.length > 0) {
        cut ??= node;
        node.children = [];
      }
      for (const child of node.children) stack.push([child, depth + 1]);
    }
  }
  if (!cut) return tree;
  const said = tree.problems.some((p) => p.kind === 'nesting-too-deep');
  return { ...tree, documents: tree.documents.map((doc) => indexDocument(doc.root)), problems: said ? tree.problems : [...tree.problems, nestingTooDeep(cut.range)] };
}

/**
 * The careful path: the `yaml` package's parser, which recovers from errors, reports each one with its place,
 * and finds duplicate keys. About twenty times slower than the fast path on a large file.
 */
export function parseYamlCareful(text: string, resolver: YamlResolver, limits: ParseLimits): ConfigTree {
  const problems: SyntaxProblem[] = [];
  let parsed: Document.Parsed[];
  try {
    const stream = parseAllDocuments(text, {
      schema: 'failsafe',
      uniqueKeys: false,
      merge: false,
      strict: false,
      prettyErrors: false,
    });
    parsed = Array.isArray(stream) ? stream : [];
  } catch (error) {
    // The yaml package reports errors on documents; this guards the "parsing never throws" invariant anyway.
    problems.push({ kind: 'parse-error', message: `YAML could not be parsed: ${String(error)}`, range: { start: 0, end: 0 } });
    return { language: 'yaml', documents: [], problems };
  }
  const builder = new TreeBuilder(resolver, limits, problems);
  const documents = parsed.map((doc) => {
    for (const error of doc.errors) {
      const [start, end] = error.pos;
      // The yaml package recurses per level and reports the stack running out as an error of the document; where it runs
      // out depends on how deep the caller's own stack is, so the same text would load in one place and not in another.
      // It is the nesting, not the syntax: said once, as for JSON.
      if (error.message.includes('Maximum call stack size exceeded')) {
        if (!problems.some((p) => p.kind === 'nesting-too-deep')) problems.push(nestingTooDeep({ start, end: Math.max(end, start + 1) }));
        continue;
      }
      problems.push({ kind: 'parse-error', message: `YAML syntax error: ${firstLine(error.message)}`, range: { start, end: Math.max(end, start + 1) } });
    }
    const root = doc.contents ? builder.build(doc.contents as YamlNode, '', doc, false) : undefined;
    return indexDocument(root);
  });
  return { language: 'yaml', documents, problems };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.endsWith('.') ? line : `${line}.`;
}

class TreeBuilder {
  private nodes = 0;
  private limitReported = false;

  constructor(
    private readonly resolver: YamlResolver,
    private readonly limits: ParseLimits,
    private readonly problems: SyntaxProblem[],
  ) {}

  build(node: YamlNode, pointer: string, doc: Document.Parsed, viaAlias: boolean, aliasDepth = 0): ConfigNode | undefined {
    if (++this.nodes > this.limits.maxNodes) {
      if (!this.limitReported) {
        this.limitReported = true;
        this.problems.push({
          kind: 'alias-limit',
          message: `YAML expands to more than ${this.limits.maxNodes} nodes (aliases nested too deep); the rest was not analysed.`,
          range: rangeOf(node),
        });
      }
      return undefined;
    }
    if (isAlias(node)) {
      const target = aliasDepth < 64 ? node.resolve(doc) : undefined;
      if (!target) return { kind: 'scalar', pointer, range: rangeOf(node), value: null, raw: '', style: 'plain', children: [], viaAlias: true };
      const built = this.build(target as YamlNode, pointer, doc, true, aliasDepth + 1);
      if (built) built.range = rangeOf(node);
      return built;
    }
    if (isScalar(node)) return this.scalar(node, pointer, viaAlias);
    if (isSeq(node)) {
      const children: ConfigNode[] = [];
      node.items.forEach((item, i) => {
        const child = item ? this.build(item as YamlNode, childPointer(pointer, i), doc, viaAlias, aliasDepth) : undefined;
        if (child) {
          child.key = i;
          children.push(child);
        }
      });
      return { kind: 'array', pointer, range: rangeOf(node), children, viaAlias };
    }
    if (isMap(node)) {
      const children: ConfigNode[] = [];
      const merged: ConfigNode[] = [];
      const seen = new Map<string, ConfigNode>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const keyText = keyNode && isScalar(keyNode) ? String(keyNode.value ?? '') : keyNode ? String(keyNode) : '';
        const keyRange = keyNode ? rangeOf(keyNode) : rangeOf(node);
        if (keyText === '<<' && keyNode && isScalar(keyNode) && keyNode.type === 'PLAIN') {
          merged.push(...this.mergeSources(pair.value as YamlNode | null, pointer, doc, aliasDepth));
          continue;
        }
        const childPtr = childPointer(pointer, keyText);
        const valueNode = pair.value as YamlNode | null;
        const child = valueNode
          ? this.build(valueNode, childPtr, doc, viaAlias, aliasDepth)
          : { kind: 'scalar' as const, pointer: childPtr, range: { start: keyRange.end, end: keyRange.end }, value: null, raw: '', style: 'plain' as const, children: [] };
        if (!child) continue;
        child.key = keyText;
        child.keyRange = keyRange;
        const earlier = seen.get(keyText);
        if (earlier && !viaAlias) {
          this.problems.push({ kind: 'duplicate-key', message: `Duplicate key "${keyText}".`, range: keyRange, firstRange: earlier.keyRange, sameValue: sameScalar(earlier, child) });
        }
        seen.set(keyText, child);
        children.push(child);
      }
      // Merge keys (YAML 1.1 `<<`) add the keys the mapping does not define itself.
      for (const item of merged) {
        const key = String(item.key);
        if (seen.has(key)) continue;
        seen.set(key, item);
        children.push(item);
      }
      return { kind: 'object', pointer, range: rangeOf(node), children, viaAlias };
    }
    return undefined;
  }

  private mergeSources(value: YamlNode | null, pointer: string, doc: Document.Parsed, aliasDepth: number): ConfigNode[] {
    if (!value) return [];
    const sources = isSeq(value) ? (value.items as YamlNode[]) : [value];
    const out: ConfigNode[] = [];
    for (const source of sources) {
      const built = this.build(source, pointer, doc, true, aliasDepth + 1);
      if (built && built.kind !== 'object') {
        // yaml/pyyaml lib/yaml/constructor.py flatten_mapping: a merge of anything but mappings stops the load.
        this.problems.push({ kind: 'parse-error', message: 'YAML merge key "<<" needs a mapping or a list of mappings; PyYAML stops with "expected a mapping or list of mappings for merging".', range: rangeOf(source) });
      }
      if (!built || built.kind !== 'object') continue;
      for (const child of built.children) {
        if (out.some((c) => c.key === child.key)) continue; // Earlier merge sources win, as in PyYAML.
        relocate(child, childPointer(pointer, String(child.key)));
        child.keyRange = rangeOf(value);
        child.viaAlias = true;
        out.push(child);
      }
    }
    return out;
  }

  private scalar(node: Scalar, pointer: string, viaAlias: boolean): ConfigNode {
    const raw = node.value === null || node.value === undefined ? '' : String(node.value);
    const plain = node.type === 'PLAIN' || node.type === undefined;
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    let value = plain ? resolvePlainScalar(raw, this.resolver) : raw;
    const tag = node.tag ?? '';
    if (tag.endsWith(':str')) value = raw;
    else if ((tag.endsWith(':float') || tag.endsWith(':int')) && raw.trim() !== '' && !Number.isNaN(Number(raw))) value = Number(raw);
    return {
      kind: 'scalar',
      pointer,
      range: rangeOf(node),
      value,
      raw,
      // `!!str 2e-5` says "a string" as plainly as quotes do.
      style: plain && !tag.endsWith(':str') ? 'plain' : block ? 'block' : 'quoted',
      children: [],
      viaAlias,
    };
  }
}

/** Rewrites the pointers of a subtree that was built under another path (merged keys). */
function relocate(node: ConfigNode, pointer: string): void {
  node.pointer = pointer;
  for (const child of node.children) relocate(child, childPointer(pointer, String(child.key)));
}

function rangeOf(node: YamlNode): { start: number; end: number } {
  const range = (node as { range?: Range3 | null }).range;
  if (!range) return { start: 0, end: 0 };
  return { start: range[0], end: range[1] };
}
