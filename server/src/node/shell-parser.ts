import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fromTreeSitter, MAX_SHELL_DEPTH, MAX_SHELL_NODES, type ShellParser, type ShellSyntaxNode, type TreeSitterNodeLike } from '../core/shell/syntax';

/**
 * Loads tree-sitter-bash (WebAssembly) once, asynchronously, for a front end (CLI, language server, tests)
 * and returns a synchronous parser for the pure core. The .wasm files are read from beside the bundle
 * (dist/, where scripts/bundle.mjs copies them) or from node_modules; nothing is fetched.
 */
let loading: Promise<ShellParser | undefined> | undefined;

export function wasmPath(file: string, packageName: string): string | undefined {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  try {
    return require.resolve(`${packageName}/${file}`);
  } catch {
    return undefined;
  }
}

export function loadShellParser(): Promise<ShellParser | undefined> {
  loading ??= load().catch(() => undefined);
  return loading;
}

let runtime: Promise<typeof import('web-tree-sitter') | undefined> | undefined;

/** web-tree-sitter's runtime, started once for every grammar (bash here, Python in python-parser.ts). */
export function treeSitterRuntime(): Promise<typeof import('web-tree-sitter') | undefined> {
  runtime ??= (async () => {
    const path = wasmPath('tree-sitter.wasm', 'web-tree-sitter');
    if (!path) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const treeSitter = require('web-tree-sitter') as typeof import('web-tree-sitter');
    await treeSitter.Parser.init({ wasmBinary: readFileSync(path) });
    return treeSitter;
  })().catch(() => undefined);
  return runtime;
}

async function load(): Promise<ShellParser | undefined> {
  const grammar = wasmPath('tree-sitter-bash.wasm', 'tree-sitter-bash');
  const treeSitter = await treeSitterRuntime();
  if (!grammar || !treeSitter) return undefined;
  const { Parser, Language } = treeSitter;
  const language = await Language.load(readFileSync(grammar));
  const parser = new Parser();
  parser.setLanguage(language);
  // A script is read more than once in a run (with its program, in the context of a file linking to it, for the code
  // lens): the last few trees are kept by text. The plain trees are never changed by the core, so they can be shared.
  const recent = new Map<string, ShellSyntaxNode | undefined>();
  const parse = (text: string): ShellSyntaxNode | undefined => {
    if (recent.has(text)) return recent.get(text);
    const tree = parseOnce(text);
    if (recent.size >= RECENT_TREES) recent.delete(recent.keys().next().value as string);
    recent.set(text, tree);
    return tree;
  };
  const parseOnce = (text: string): ShellSyntaxNode | undefined => {
    let tree: ReturnType<typeof parser.parse> = null;
    try {
      tree = parser.parse(text);
      if (!tree) return undefined;
      // A cursor copies the tree several times faster than a Node object per child; a tree too large for the bound
      // is copied the way the core cuts it (fromTreeSitter), so the result is the same either way.
      return withCursor(tree) ?? fromTreeSitter(tree.rootNode as unknown as TreeSitterNodeLike);
    } catch {
      return undefined;
    } finally {
      tree?.delete();
    }
  };
  return { parse };
}

const RECENT_TREES = 4;

type Language = import('web-tree-sitter').Language;
const namedTypes = new WeakMap<Language, boolean[]>();

function isNamed(language: Language, typeId: number): boolean {
  let named = namedTypes.get(language);
  if (!named) namedTypes.set(language, (named = []));
  return (named[typeId] ??= language.nodeTypeIsNamed(typeId));
}

/**
 * The same plain tree as fromTreeSitter (same nodes, same order, same bound on depth), read with a tree cursor. Returns
 * undefined when the tree has more nodes than MAX_SHELL_NODES, where fromTreeSitter decides which ones are kept.
 */
function withCursor(tree: NonNullable<ReturnType<InstanceType<typeof import('web-tree-sitter').Parser>['parse']>>): ShellSyntaxNode | undefined {
  const cursor = tree.walk();
  const language = tree.language;
  try {
    // Each of the cursor's getters is a call into the WebAssembly module; whether a type is named is asked once per type,
    // and whether a node is missing only of an empty one (a node the parser inserts spans no text).
    const plain = (): ShellSyntaxNode => {
      const typeId = cursor.nodeTypeId;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      const node: ShellSyntaxNode = { type: language.types[typeId] || 'ERROR', start, end, named: isNamed(language, typeId), children: [] };
      if (start !== end || !cursor.nodeIsMissing) return node;
      return { type: node.type, start: node.start, end: node.end, named: node.named, missing: true, children: [] };
    };
    const root = plain();
    // parents[d] is the plain node at depth d of the cursor's path.
    const parents: ShellSyntaxNode[] = [root];
    let count = 1;
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      if (count >= MAX_SHELL_NODES) return undefined;
      const node = plain();
      parents[parents.length - 1].children.push(node);
      count++;
      if (cursor.gotoFirstChild()) {
        if (parents.length < MAX_SHELL_DEPTH) {
          parents.push(node);
          continue;
        }
        cursor.gotoParent();
        root.truncated = true;
      }
      while (!cursor.gotoNextSibling()) {
        if (parents.length <= 1 || !cursor.gotoParent()) return root;
        parents.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
