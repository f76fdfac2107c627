// Structure-aware mutations of a training config: the tree of a JSON or YAML file (keys deleted, duplicated, swapped,
// misspelt, values of another type, deep nesting), the lines and commands of a launch script (shell syntax injected),
// and the bytes of any file (truncation, random bytes, CRLF, a byte order mark, UTF-16 read as UTF-8).
import { dump, load } from 'js-yaml';
import type { Rng } from './rng';

export type Language = 'json' | 'yaml' | 'shell';

type Tree = unknown;
type Container = Record<string, unknown> | unknown[];

const VALUES: unknown[] = [
  0, -1, 1, 0.5, -0, 1e308, -1e308, 2 ** 53 + 1, 1e-12, 'auto', '', 'NaN', 'inf', '.inf', 'none', 'None', '1e-5', '2e-5',
  'true', 'yes', 'off', '$HOME', '${WORLD_SIZE}', '$(nproc)', 'x'.repeat(300), null, true, false, [], {}, [1, 2], { a: 1 },
];

const SHELL_SNIPPETS = [
  'X=$X$X', 'X=$X$X$X$X', '$(', '${X:-', '${#X[@]}', '`', '"', "'", '\\', 'A=(', 'A=(1 2 3)', '$((1/0))', '$((2**64))',
  '$((X*X*X*X))', 'eval "$CMD"', 'bash -c \'torchrun train.py --lr $LR\'', 'cat <<EOF\n{"train_batch_size": 8}\nEOF',
  'cat <<EOF', 'if [ "$X" = 1 ]; then', 'fi', 'done', 'for i in $(seq 1 100); do', 'case $X in', 'esac', '}', 'f() {',
  'export X=1', 'unset X', 'set -- a b c', 'source ./env.sh', '#SBATCH --nodes=0', '#SBATCH --ntasks-per-node=-1',
  'GPUS_PER_NODE=0', 'NNODES=', 'deepspeed --num_gpus 0 train.py --deepspeed ds.json', 'torchrun --nproc_per_node=$((0)) x.py',
  'python -m torch.distributed.run --nnodes 1:0 train.py', '--global-batch-size 0 \\', '--micro-batch-size 3 \\', '&&', '||',
  ';;', '$@', '${!X}', '${X/a/b}', '${X:1:2}', '<(ls)', '>(cat)', 'X+=(4)', 'declare -A M=([a]=1)', 'read -r X',
];

/** Objects and arrays of the tree, with the tree itself first. */
function containers(tree: Tree): Container[] {
  const out: Container[] = [];
  const stack: Tree[] = [tree];
  while (stack.length > 0 && out.length < 5000) {
    const node = stack.pop();
    if (node && typeof node === 'object') {
      out.push(node as Container);
      stack.push(...Object.values(node as object));
    }
  }
  return out;
}

function misspell(key: string, rng: Rng): string {
  if (key.length < 2) return key + 'x';
  const i = rng.int(key.length - 1);
  switch (rng.int(4)) {
    case 0: return key.slice(0, i) + key.slice(i + 1);
    case 1: return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
    case 2: return key.slice(0, i) + key[i] + key.slice(i);
    default: return key.toUpperCase();
  }
}

function nest(value: unknown, depth: number, rng: Rng): unknown {
  let out = value;
  for (let d = 0; d < depth; d++) out = rng.chance(0.5) ? [out] : { k: out };
  return out;
}

/** One change to the parsed tree; returns the new root (a change of the root itself). */
function mutateTree(tree: Tree, rng: Rng): Tree {
  const all = containers(tree);
  if (all.length === 0) return rng.pick(VALUES);
  const node = rng.pick(all);
  const keys = Object.keys(node);
  const key = keys.length > 0 ? rng.pick(keys) : '0';
  const set = (k: string, v: unknown) => (Array.isArray(node) ? (node[Number(k)] = v) : ((node as Record<string, unknown>)[k] = v));
  const get = (k: string) => (node as Record<string, unknown>)[k];
  switch (rng.int(7)) {
    case 0:
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete node[key];
      break;
    case 1: {
      const other = rng.pick(keys.length > 0 ? keys : ['0']);
      const a = get(key);
      set(key, get(other));
      set(other, a);
      break;
    }
    case 2:
      set(key, rng.pick(VALUES));
      break;
    case 3:
      set(key, nest(get(key) ?? 1, rng.pick([2, 20, 200, 1500]), rng));
      break;
    case 4:
      if (!Array.isArray(node) && keys.length > 0) {
        const value = node[key];
        delete node[key];
        node[misspell(key, rng)] = value;
      }
      break;
    case 5:
      // Many unknown keys in one section (did-you-mean against each).
      if (!Array.isArray(node)) for (let i = rng.int(300); i > 0; i--) node[`${misspell(key, rng)}_${i}`] = i;
      break;
    default:
      return rng.chance(0.5) ? [tree] : { [key]: tree };
  }
  return tree;
}

function mutateLines(text: string, rng: Rng, snippets: readonly string[]): string {
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  const j = rng.int(lines.length);
  switch (rng.int(6)) {
    case 0: lines.splice(i, 1); break;
    case 1: lines.splice(i, 0, lines[j]); break;
    case 2: [lines[i], lines[j]] = [lines[j], lines[i]]; break;
    case 3: lines.splice(i, 0, rng.pick(snippets)); break;
    case 4: lines[i] = ' '.repeat(rng.int(9)) + lines[i].trimStart(); break;
    default: {
      const at = rng.int(lines[i].length + 1);
      lines[i] = lines[i].slice(0, at) + rng.pick(snippets) + lines[i].slice(at);
    }
  }
  return lines.join('\n');
}

const YAML_SNIPPETS = [
  'base: &base\n  lr: 1e-5', '<<: *base', '<<: [*base, *base]', '*undefined', 'learning_rate: !!str 2e-5', 'x: !!float abc',
  '---', '...', '? complex', '- item', 'key: |', 'key: >-', '  - nested', 'deepspeed: ds.json', 'bf16: auto',
  'per_device_train_batch_size: 0', 'gradient_accumulation_steps: .nan', 'num_processes: -1', 'x: ${oc.env:HOME}', '%YAML 1.1',
  'a: [', 'a: {', "a: 'unterminated", '\t tab: 1', 'num_machines: 1e999',
];

function mutateBytes(text: string, rng: Rng): string {
  switch (rng.int(6)) {
    case 0: return text.slice(0, rng.int(text.length + 1));
    case 1: {
      const at = rng.int(text.length + 1);
      let noise = '';
      for (let n = 1 + rng.int(16); n > 0; n--) noise += String.fromCharCode(rng.chance(0.8) ? rng.int(256) : rng.int(0x10000));
      return text.slice(0, at) + noise + text.slice(at);
    }
    case 2: return text.replace(/\r?\n/g, '\r\n');
    case 3: return '\ufeff' + text;
    // UTF-16 bytes as a front end that assumes UTF-8 would hand them over.
    case 4: return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]).toString('utf8');
    default: {
      const at = rng.int(text.length + 1);
      return text.slice(0, at) + text.slice(at).replace(/\n/, '\r');
    }
  }
}

function serializeJson(tree: Tree, rng: Rng): string {
  return JSON.stringify(tree, null, rng.pick([0, 2, 4])) ?? 'null';
}

function mutateJson(text: string, rng: Rng): string {
  let tree: Tree;
  try {
    tree = JSON.parse(text);
  } catch {
    return mutateLines(text, rng, ['{', '}', '"a": 1,', '"a": 1', ',', '// comment', '/*', 'NaN', 'Infinity', 'word '.repeat(50)]);
  }
  const out = serializeJson(mutateTree(tree, rng), rng);
  // A duplicate key is no tree change: it is made in the text.
  if (rng.chance(0.15)) return out.replace(/("[^"]+":\s*[^,{}[\]]+),/, '$1, $1,');
  return out;
}

function mutateYaml(text: string, rng: Rng): string {
  if (rng.chance(0.5)) return mutateLines(text, rng, YAML_SNIPPETS);
  let tree: Tree;
  try {
    tree = load(text);
  } catch {
    return mutateLines(text, rng, YAML_SNIPPETS);
  }
  try {
    return dump(mutateTree(tree, rng), { noRefs: rng.chance(0.5), lineWidth: -1 });
  } catch {
    return text;
  }
}

/** The text after one to three mutations suited to its language (and, one time in four, to its bytes). */
export function mutate(text: string, language: Language, rng: Rng): string {
  let out = text;
  for (let n = 1 + rng.int(3); n > 0; n--) {
    if (rng.chance(0.2)) out = mutateBytes(out, rng);
    else if (language === 'json') out = mutateJson(out, rng);
    else if (language === 'yaml') out = mutateYaml(out, rng);
    else out = mutateLines(out, rng, SHELL_SNIPPETS);
  }
  return out;
}
