import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fromTreeSitter, type ShellParser, type TreeSitterNodeLike } from '../core/shell/syntax';

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
  return {
    parse(text: string) {
      let tree: ReturnType<typeof parser.parse> = null;
      try {
        tree = parser.parse(text);
        return tree ? fromTreeSitter(tree.rootNode as unknown as TreeSitterNodeLike) : undefined;
      } catch {
        return undefined;
      } finally {
        tree?.delete();
      }
    },
  };
}
