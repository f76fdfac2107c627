import type { SyntaxProblem } from '../syntax/config-tree';
import type { OffsetRange } from '../text/range';
import type { ShellParser, ShellSyntaxNode } from './syntax';
import { InlineText, shellScriptIndex } from './inline-text';
import { bashSyntaxError } from './bash-check';
import { fieldText, joinChunks, rangeOfField, splitFields, type Chunk, type Field, type Piece } from './words';

/**
 * A static reading of a launch script: the variables it assigns, in order, and every command it runs with
 * its words expanded as far as the script alone decides. Nothing is executed: command substitutions, the
 * environment and positional parameters stay unknown. `if` conditions the script decides are followed; the
 * others make what their branches assign uncertain. Loops and functions are not unrolled.
 */

export interface ShellVariable {
  name: string;
  kind: 'string' | 'array' | 'unknown';
  pieces?: Piece[];
  items?: Field[];
  /** Why the value is unknown. */
  why?: string;
  nameRange: OffsetRange;
  valueRange: OffsetRange;
}

export interface SbatchOption {
  /** Long option name without dashes (`nodes`), short options mapped to their long names. */
  name: string;
  value: string;
  range: OffsetRange;
}

export interface CommandLine {
  argv: Field[];
  /** Assignments written before the command (`NNODES=2 llamafactory-cli train x.yaml`): its environment only. */
  env: Map<string, Field>;
  range: OffsetRange;
  /** True when the command runs only on some path the script does not decide (an undecided `if`, a loop). */
  uncertain: boolean;
  /** The commands of the script a `bash -c SCRIPT` among its words runs, read in the child shell (`script` is that word). */
  inline?: { script: Field; commands: CommandLine[] };
}

export interface EmbeddedFile {
  /** Where `cat <<EOT > target` writes: the expanded target path. */
  target: Field;
  /** The body after expansion (`$VAR` replaced), with provenance. */
  body: Piece[];
  range: OffsetRange;
}

/** A file the script itself writes (`cat <<EOT > f`, `sed ... > f`, `echo ... >> f`, `... | tee f`): present when the run reads it. */
export interface WrittenFile {
  /** The expanded target path. */
  target: Field;
  range: OffsetRange;
}

export interface ScriptFacts {
  commands: CommandLine[];
  embedded: EmbeddedFile[];
  written: WrittenFile[];
  sbatch: SbatchOption[];
  problems: SyntaxProblem[];
  variables: Map<string, ShellVariable>;
}

const SBATCH_SHORT: Record<string, string> = { N: 'nodes', n: 'ntasks', G: 'gpus', c: 'cpus-per-task', p: 'partition', t: 'time', J: 'job-name', A: 'account' };
const MAX_STEPS = 200_000;

/** What one shell holds while it runs; `eval` shares it, `bash -c` starts a child shell with the exported part. */
interface ShellState {
  vars: Map<string, ShellVariable>;
  /** Variables the job's environment sets (SLURM_* from the #SBATCH header). */
  env: Map<string, Piece>;
  /** Names marked for export (`export X`, `declare -x X`, every assignment after `set -a`). */
  exported: Set<string>;
  allexport: boolean;
  commands: CommandLine[];
  embedded: EmbeddedFile[];
  written: WrittenFile[];
}

/** Bounds shared by a script and every text it re-reads (eval, bash -c): steps, nesting and characters re-parsed. */
interface Budget {
  steps: number;
  reparsed: number;
}

// eval inside bash -c inside eval...: deeper nesting is left unread (the command stays as written).
const MAX_INLINE_DEPTH = 4;
const MAX_REPARSED_CHARS = 1_000_000;

export function interpretScript(root: ShellSyntaxNode, text: string, parser?: ShellParser): ScriptFacts {
  const state: ShellState = { vars: new Map(), env: new Map(), exported: new Set(), allexport: false, commands: [], embedded: [], written: [] };
  return new Interpreter(text, state, { steps: 0, reparsed: 0 }, parser, 0).run(root);
}

class Interpreter {
  private readonly vars: Map<string, ShellVariable>;
  private readonly env: Map<string, Piece>;
  private readonly commands: CommandLine[];
  private readonly embedded: EmbeddedFile[];
  private readonly written: WrittenFile[];
  private readonly sbatch: SbatchOption[] = [];
  private readonly problems: SyntaxProblem[] = [];
  /** How many loops over the script's own arguments enclose the statement being read. */
  private argumentLoops = 0;

  constructor(
    private readonly text: string,
    private readonly state: ShellState,
    private readonly budget: Budget,
    private readonly parser: ShellParser | undefined,
    private readonly depth: number,
    /** Set for text re-read by eval or bash -c: where its parts were written. */
    private readonly inline?: InlineText,
  ) {
    ({ vars: this.vars, env: this.env, commands: this.commands, embedded: this.embedded, written: this.written } = state);
  }

  run(root: ShellSyntaxNode): ScriptFacts {
    this.readSbatch(root);
    this.collectProblems(root);
    this.statements(root.children, false);
    return { commands: this.commands, embedded: this.embedded, written: this.written, sbatch: this.sbatch, problems: this.problems, variables: this.vars };
  }

  private src(node: ShellSyntaxNode): string {
    return this.text.slice(node.start, node.end);
  }

  // ---- #SBATCH header -------------------------------------------------------------------------

  /** sbatch reads `#SBATCH` lines up to the first command; the values become SLURM_* variables in the job. */
  private readSbatch(root: ShellSyntaxNode): void {
    const comments: ShellSyntaxNode[] = [];
    const visit = (nodes: ShellSyntaxNode[]): boolean => {
      for (const node of nodes) {
        if (node.type === 'comment') comments.push(node);
        else if (node.type === 'ERROR') {
          if (!visit(node.children)) return false;
        } else return false;
      }
      return true;
    };
    visit(root.children);
    for (const comment of comments) {
      const raw = this.src(comment);
      const m = /^#SBATCH\s+/.exec(raw);
      if (!m) continue;
      const tokens: Array<{ text: string; start: number }> = [];
      const re = /\S+/g;
      re.lastIndex = m[0].length;
      let t: RegExpExecArray | null;
      while ((t = re.exec(raw))) {
        if (t[0].startsWith('#')) break;
        tokens.push({ text: t[0], start: comment.start + t.index });
      }
      for (let i = 0; i < tokens.length; i++) {
        const tok = tokens[i];
        let name: string | undefined;
        let value: { text: string; start: number } | undefined;
        if (tok.text.startsWith('--')) {
          const eq = tok.text.indexOf('=');
          if (eq > 0) {
            name = tok.text.slice(2, eq);
            value = { text: tok.text.slice(eq + 1), start: tok.start + eq + 1 };
          } else {
            name = tok.text.slice(2);
            const next = tokens[i + 1];
            if (next && !next.text.startsWith('-')) {
              value = next;
              i++;
            }
          }
        } else if (/^-[A-Za-z]/.test(tok.text)) {
          name = SBATCH_SHORT[tok.text[1]] ?? tok.text[1];
          if (tok.text.length > 2) value = { text: tok.text.slice(2).replace(/^=/, ''), start: tok.start + (tok.text[2] === '=' ? 3 : 2) };
          else if (tokens[i + 1] && !tokens[i + 1].text.startsWith('-')) value = tokens[++i];
        }
        if (!name) continue;
        const option = { name, value: value?.text ?? '', range: value ? { start: value.start, end: value.start + value.text.length } : { start: tok.start, end: tok.start + tok.text.length } };
        this.sbatch.push(option);
      }
    }
    const last = (name: string) => [...this.sbatch].reverse().find((o) => o.name === name);
    const setEnv = (variable: string, option: SbatchOption | undefined, value?: string) => {
      if (!option) return;
      const text = value ?? option.value;
      if (!/^\d+$/.test(text)) return;
      this.env.set(variable, { text, start: option.range.start, end: option.range.end, verbatim: text === option.value });
    };
    const nodes = last('nodes');
    setEnv('SLURM_NNODES', nodes);
    setEnv('SLURM_JOB_NUM_NODES', nodes);
    setEnv('SLURM_NTASKS_PER_NODE', last('ntasks-per-node'));
    setEnv('SLURM_NTASKS', last('ntasks'));
    setEnv('SLURM_GPUS_PER_NODE', last('gpus-per-node'));
  }

  /**
   * tree-sitter-bash's ERROR nodes are where its grammar gave up, which is not always where bash does (it rejects
   * `VAR=<X> \ `, which bash runs). An error is reported only where bash stops for certain (bash-check.ts), once, as
   * bash stops at the first; otherwise one note says the script was read only in part.
   */
  private collectProblems(root: ShellSyntaxNode): void {
    const stack = [root];
    let gap: SyntaxProblem | undefined;
    while (stack.length > 0 && !gap) {
      const node = stack.pop()!;
      if (node.type === 'ERROR') {
        const line = this.text.slice(node.start, node.end).split('\n')[0].slice(0, 40);
        gap = { kind: 'parse-error', message: `Shell syntax the parser does not follow near "${line}"; bash may accept it. What follows was read as far as possible.`, range: { start: node.start, end: Math.max(node.end, node.start + 1) }, uncertain: true };
        break;
      }
      if (node.missing) {
        gap = { kind: 'parse-error', message: `Shell syntax the parser does not follow: it expected "${node.type}" here; bash may accept it. What follows was read as far as possible.`, range: { start: node.start, end: node.start + 1 }, uncertain: true };
        break;
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    if (!gap) return;
    const certain = bashSyntaxError(this.text);
    // A `<PLACEHOLDER>` left for the user to fill in is a template (issue 10: one info), not an error in the script.
    this.problems.push(certain ? { kind: 'parse-error', message: certain.message, range: certain.range, ...(certain.placeholder ? { uncertain: true } : {}) } : gap);
  }

  // ---- statements -----------------------------------------------------------------------------

  private statements(nodes: ShellSyntaxNode[], uncertain: boolean): void {
    for (const node of nodes) this.statement(node, uncertain);
  }

  private statement(node: ShellSyntaxNode, uncertain: boolean): void {
    if (++this.budget.steps > MAX_STEPS) return;
    switch (node.type) {
      case 'comment':
        return;
      case 'variable_assignment':
        this.assign(node, uncertain);
        return;
      case 'variable_assignments':
        for (const child of node.children) if (child.type === 'variable_assignment') this.assign(child, uncertain);
        return;
      case 'declaration_command':
        this.declaration(node, uncertain);
        return;
      case 'unset_command':
        for (const child of node.children) if (child.named && child.type !== 'word' ? false : child.named) this.vars.delete(this.src(child));
        return;
      case 'command':
        this.command(node, uncertain);
        return;
      case 'redirected_statement':
        this.redirected(node, uncertain);
        return;
      case 'pipeline':
      case 'list':
      case 'program':
      case 'ERROR':
      case 'compound_statement':
      case 'subshell':
      case 'negated_command':
        this.statements(node.children.filter((c) => c.named), uncertain);
        return;
      case 'if_statement':
        this.ifStatement(node, uncertain);
        return;
      case 'case_statement':
        // A case over the script's arguments, or one whose word is unknown, reads like a loop body.
        if (this.readsArguments(node) || !this.caseStatement(node, uncertain)) this.loopBody(node);
        return;
      case 'for_statement':
      case 'c_style_for_statement':
      case 'while_statement':
        this.loopBody(node);
        return;
      default:
        return; // function definitions, test commands on their own, arithmetic commands...
    }
  }

  /**
   * A loop or `case` that walks the script's own arguments (`while [[ "$1" != "" ]]`, `for arg in "$@"`, `getopts`,
   * `case $1 in`): run without arguments, its body does nothing, so what the script assigned before it stands.
   */
  private readsArguments(node: ShellSyntaxNode): boolean {
    const head = node.children.filter((c) => c.type !== 'do_group' && c.type !== 'case_item').map((c) => this.src(c)).join(' ');
    return /\$\{?(?:[1-9#@*])|\bgetopts\b/.test(head);
  }

  /** What a loop's body (or a case's items) assigns is uncertain: loops are not unrolled. */
  private loopBody(node: ShellSyntaxNode): void {
    const readsArguments = this.readsArguments(node);
    if (readsArguments) this.argumentLoops++;
    for (const child of node.children) {
      if (child.type === 'do_group' || child.type === 'case_item') this.statements(child.children.filter((c) => c.named), true);
    }
    if (readsArguments) this.argumentLoops--;
  }

  /**
   * `case WORD in PATTERN) BODY ;; ... esac` with a WORD the script decides: the first item whose pattern matches runs
   * (patterns are glob words: literal text, `*`, `?`, alternatives with `|`). False when WORD is unknown.
   */
  private caseStatement(node: ShellSyntaxNode, uncertain: boolean): boolean {
    const subject = node.children.find((c) => c.named && c.type !== 'case_item' && c.type !== 'comment');
    const value = subject ? this.scalarText(subject) : undefined;
    if (value === undefined) return false;
    let undecided = false;
    for (const item of node.children.filter((c) => c.type === 'case_item')) {
      const close = item.children.findIndex((c) => !c.named && this.src(c) === ')');
      const patterns = item.children.slice(0, close).filter((c) => c.named && c.type !== 'comment');
      const body = item.children.slice(close + 1).filter((c) => c.named);
      const verdicts = patterns.map((p) => this.globMatches(p, value));
      if (verdicts.some((v) => v === true) && !undecided) {
        this.statements(body, uncertain);
        return true;
      }
      if (verdicts.some((v) => v === undefined)) undecided = true;
      if (undecided) this.statements(body, true);
    }
    return true;
  }

  private globMatches(pattern: ShellSyntaxNode, value: string): boolean | undefined {
    if (pattern.type === 'extglob_pattern' || pattern.type === 'word') {
      const glob = this.src(pattern);
      if (/[[\]{}()!@+\\$`]/.test(glob)) return undefined; // brackets, extglobs, expansions: not decided here.
      return new RegExp(`^${glob.replace(/[.^|]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);
    }
    const text = this.scalarText(pattern);
    return text === undefined ? undefined : text === value;
  }

  private ifStatement(node: ShellSyntaxNode, uncertain: boolean): void {
    // if COND; then BODY [elif COND; then BODY]... [else BODY] fi
    type Branch = { condition?: ShellSyntaxNode; body: ShellSyntaxNode[] };
    const branches: Branch[] = [];
    let current: Branch | undefined;
    let phase: 'condition' | 'body' = 'condition';
    const take = (children: ShellSyntaxNode[], start: Branch) => {
      current = start;
      phase = 'condition';
      branches.push(current);
      for (const child of children) {
        if (!child.named) {
          const word = this.src(child);
          if (word === 'then') phase = 'body';
          continue;
        }
        if (child.type === 'elif_clause') take(child.children, { body: [] });
        else if (child.type === 'else_clause') {
          const branch: Branch = { body: child.children.filter((c) => c.named) };
          branches.push(branch);
        } else if (phase === 'condition' && current && !current.condition) current.condition = child;
        else if (current) current.body.push(child);
      }
    };
    take(node.children, { body: [] });
    let decided = false;
    let anyUnknown = false;
    for (const branch of branches) {
      if (decided) break;
      const verdict = branch.condition ? this.condition(branch.condition) : true;
      if (verdict === false) continue;
      if (verdict === true && !anyUnknown) {
        this.statements(branch.body, uncertain);
        decided = true;
      } else {
        anyUnknown = true;
        this.statements(branch.body, true);
        if (verdict === true) decided = true;
      }
    }
  }

  /** Evaluates `[ ... ]`, `[[ ... ]]` and their `&&`/`||` lists; undefined when the script alone cannot tell. */
  private condition(node: ShellSyntaxNode): boolean | undefined {
    switch (node.type) {
      case 'test_command': {
        const inner = node.children.filter((c) => c.named);
        return inner.length === 1 ? this.testExpression(inner[0]) : undefined;
      }
      case 'list': {
        const parts = node.children;
        let result = this.condition(parts[0]);
        for (let i = 1; i + 1 < parts.length; i += 2) {
          const op = this.src(parts[i]);
          const right = this.condition(parts[i + 1]);
          if (op === '&&') result = result === false || right === false ? false : result === true && right === true ? true : undefined;
          else if (op === '||') result = result === true || right === true ? true : result === false && right === false ? false : undefined;
          else result = undefined;
        }
        return result;
      }
      case 'negated_command': {
        const inner = node.children.find((c) => c.named);
        const value = inner ? this.condition(inner) : undefined;
        return value === undefined ? undefined : !value;
      }
      default:
        return undefined;
    }
  }

  private testExpression(node: ShellSyntaxNode): boolean | undefined {
    if (node.type === 'parenthesized_expression') {
      const inner = node.children.find((c) => c.named);
      return inner ? this.testExpression(inner) : undefined;
    }
    if (node.type === 'unary_expression') {
      const [op, operand] = [node.children[0], node.children[node.children.length - 1]];
      const opText = this.src(op);
      if (opText === '!') {
        const value = this.testExpression(operand);
        return value === undefined ? undefined : !value;
      }
      const value = this.scalarText(operand);
      if (value === undefined) return undefined;
      if (opText === '-n') return value !== '';
      if (opText === '-z') return value === '';
      return undefined; // -f, -d...: the filesystem decides.
    }
    if (node.type === 'binary_expression') {
      const [left, op, right] = [node.children[0], node.children[1], node.children[node.children.length - 1]];
      const opText = this.src(op);
      if (opText === '&&' || opText === '||' || opText === '-a' || opText === '-o') {
        const a = this.testExpression(left);
        const b = this.testExpression(right);
        if (opText === '&&' || opText === '-a') return a === false || b === false ? false : a === true && b === true ? true : undefined;
        return a === true || b === true ? true : a === false && b === false ? false : undefined;
      }
      const a = this.scalarText(left);
      const b = this.scalarText(right);
      if (a === undefined || b === undefined) return undefined;
      switch (opText) {
        case '=':
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '-eq':
        case '-ne':
        case '-gt':
        case '-lt':
        case '-ge':
        case '-le': {
          const x = Number(a.trim());
          const y = Number(b.trim());
          if (!Number.isInteger(x) || !Number.isInteger(y)) return undefined;
          return { '-eq': x === y, '-ne': x !== y, '-gt': x > y, '-lt': x < y, '-ge': x >= y, '-le': x <= y }[opText];
        }
        default:
          return undefined;
      }
    }
    const value = this.scalarText(node);
    return value === undefined ? undefined : value !== '';
  }

  /** The text of a word, or undefined when any part of it is unknown. */
  private scalarText(node: ShellSyntaxNode): string | undefined {
    const pieces = joinChunks(this.expand(node, false));
    if (pieces.some((p) => p.unknown !== undefined)) return undefined;
    return pieces.map((p) => p.text).join('');
  }

  // ---- assignments ----------------------------------------------------------------------------

  /** `export A=1 B`, `declare -x C=2`, `local D=3`: assignments, and the names an export marks for child processes. */
  private declaration(node: ShellSyntaxNode, uncertain: boolean): void {
    const keyword = node.children[0] ? this.src(node.children[0]) : '';
    const exports = keyword === 'export' || node.children.some((c) => c.type === 'word' && /^-[a-zA-Z]*x/.test(this.src(c)));
    for (const child of node.children) {
      if (child.type === 'variable_assignment') this.assign(child, uncertain);
      const nameNode = child.type === 'variable_assignment' ? child.children[0] : child;
      if (exports && nameNode?.type === 'variable_name') this.state.exported.add(this.src(nameNode));
    }
  }

  private assign(node: ShellSyntaxNode, uncertain: boolean): void {
    const nameNode = node.children[0];
    if (!nameNode || nameNode.type !== 'variable_name') return; // A[0]=x: element assignment, not followed.
    const name = this.src(nameNode);
    if (this.state.allexport) this.state.exported.add(name);
    const op = node.children.find((c) => !c.named && (this.src(c) === '=' || this.src(c) === '+='));
    const append = op ? this.src(op) === '+=' : false;
    const valueNode = op ? node.children.slice(node.children.indexOf(op) + 1).find((c) => c.named) : undefined;
    const valueRange = this.at(valueNode ?? { start: node.end, end: node.end });
    const previous = this.vars.get(name);
    // An option the script's arguments may set: the value written before the loop holds when it runs without it. An
    // empty one (ACCELERATOR="") is a slot the arguments must fill, which scripts check before the launch.
    const written = previous?.kind === 'string' ? previous.pieces! : [];
    if (uncertain && !append && this.argumentLoops > 0 && written.length > 0 && written.every((p) => p.unknown === undefined) && fieldText(written) !== '') {
      previous!.pieces = written.map((p) => ({ ...p, argDefault: p.argDefault ?? name }));
      return;
    }
    if (uncertain && !append) {
      this.vars.set(name, { name, kind: 'unknown', why: `${name} is assigned in a branch the script does not decide`, nameRange: this.at(nameNode), valueRange });
      return;
    }
    if (valueNode?.type === 'array') {
      const items: Field[] = [];
      for (const element of valueNode.children) {
        if (!element.named || element.type === 'comment') continue;
        items.push(...splitFields(this.expand(element, false)));
      }
      if (append && previous?.kind === 'array') previous.items!.push(...items);
      else if (append && previous?.kind === 'string') this.vars.set(name, { ...previous, kind: 'array', items: [previous.pieces!, ...items] });
      else this.vars.set(name, { name, kind: 'array', items, nameRange: this.at(nameNode), valueRange });
      return;
    }
    const pieces = valueNode ? joinChunks(this.expand(valueNode, true)) : [];
    if (append && previous?.kind === 'string') previous.pieces!.push(...pieces);
    else if (append && previous?.kind === 'array') previous.items!.push(pieces);
    else this.vars.set(name, { name, kind: 'string', pieces, nameRange: this.at(nameNode), valueRange });
  }

  // ---- commands -------------------------------------------------------------------------------

  private command(node: ShellSyntaxNode, uncertain: boolean): void {
    const words = node.children.filter((c) => c.named && c.type !== 'variable_assignment' && c.type !== 'file_redirect' && c.type !== 'herestring_redirect');
    const chunks: Chunk[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      const target = word.type === 'command_name' ? word.children.find((c) => c.named) ?? word : word;
      const next = words[i + 1];
      // Only blanks separate shell words: nodes that touch are one word, however the grammar split them.
      const touching = next !== undefined && next.start === word.end;
      const split = touching ? this.splitExpansion(target, next) : undefined;
      if (split) {
        chunks.push(...split);
        i++;
      } else chunks.push(...this.expand(target, false));
      if (!touching || split) chunks.push({ fieldBreak: true });
    }
    const argv = splitFields(chunks);
    if (argv.length === 0) return;
    const name = argv[0].map((p) => p.text).join('');
    if (name === 'source' || name === '.') return; // What a sourced file sets stays unknown.
    if (name === 'set') this.setOptions(argv);
    if (name === 'eval' && this.evaluate(argv.slice(1), node, uncertain)) return;
    if (name === 'read' || name === 'readarray' || name === 'mapfile') {
      for (const field of argv.slice(1)) {
        const variable = field.map((p) => p.text).join('');
        if (/^[A-Za-z_]\w*$/.test(variable)) this.vars.set(variable, { name: variable, kind: 'unknown', why: `${variable} is read at run time`, nameRange: this.at(node), valueRange: this.at(node) });
      }
      return;
    }
    if (name === 'unset') {
      for (const field of argv.slice(1)) this.vars.delete(field.map((p) => p.text).join(''));
      return;
    }
    // `... | tee [-a] file`: tee writes each file it names.
    if (name === 'tee') {
      for (const field of argv.slice(1)) if (!field.map((p) => p.text).join('').startsWith('-')) this.written.push({ target: field, range: this.at(node) });
    }
    const env = new Map<string, Field>();
    for (const assignment of node.children.filter((c) => c.type === 'variable_assignment')) {
      const nameNode = assignment.children[0];
      const valueNode = assignment.children.slice(1).find((c) => c.named);
      if (nameNode?.type === 'variable_name') env.set(this.src(nameNode), valueNode ? joinChunks(this.expand(valueNode, true)) : []);
    }
    const inline = this.inlineScript(argv, env, node, uncertain);
    this.commands.push({ argv, env, range: this.at(node), uncertain, ...(inline ? { inline } : {}) });
  }

  /** `set -a` (`set -o allexport`) exports every variable assigned after it; `set +a` stops. */
  private setOptions(argv: Field[]): void {
    for (let i = 1; i < argv.length; i++) {
      const word = fieldText(argv[i]);
      if (word === '--') return;
      const long = (word === '-o' || word === '+o') && fieldText(argv[i + 1] ?? []) === 'allexport';
      if (long || /^[-+][a-zA-Z]*a/.test(word)) this.state.allexport = word.startsWith('-');
    }
  }

  /** Text a command hands back to a shell, parsed, with where its parts were written; undefined past the bounds. */
  private reparse(words: Field[], whole: OffsetRange): { inline: InlineText; root: ShellSyntaxNode } | undefined {
    if (!this.parser || this.depth >= MAX_INLINE_DEPTH) return undefined;
    const inline = InlineText.ofWords(words, whole);
    this.budget.reparsed += inline.text.length;
    if (this.budget.reparsed > MAX_REPARSED_CHARS) return undefined;
    let root: ShellSyntaxNode | undefined;
    try {
      root = this.parser.parse(inline.text);
    } catch {
      root = undefined;
    }
    return root ? { inline, root } : undefined;
  }

  /** `eval WORDS`: the words joined by blanks are read again as shell text, in this shell (its assignments stay). */
  private evaluate(words: Field[], node: ShellSyntaxNode, uncertain: boolean): boolean {
    const parsed = this.reparse(words, this.at(node));
    if (!parsed) return false;
    new Interpreter(parsed.inline.text, this.state, this.budget, this.parser, this.depth + 1, parsed.inline).statements(parsed.root.children, uncertain);
    return true;
  }

  /**
   * `[srun ...] bash -c SCRIPT`: a child shell reads SCRIPT. It sees the variables this shell exports (and those the
   * command's own assignments set), not the others: a single-quoted `'$CMD'` of a CMD never exported is whatever the
   * environment had, so it stays unknown. Its commands are kept on the command that starts it (launch.ts follows them).
   */
  private inlineScript(argv: Field[], prefix: Map<string, Field>, node: ShellSyntaxNode, uncertain: boolean): CommandLine['inline'] {
    const shellAt = argv.findIndex((_, k) => shellScriptIndex(argv, k) >= 0);
    if (shellAt < 0) return undefined;
    const script = argv[shellScriptIndex(argv, shellAt)];
    const shell = fieldText(argv[shellAt]);
    const commandRange = this.at(node);
    const written = rangeOfField(script);
    const within = script.length > 0 && written.start >= commandRange.start && written.end <= commandRange.end;
    const parsed = this.reparse([script], within ? written : commandRange);
    if (!parsed) return undefined;
    const vars = new Map<string, ShellVariable>();
    const exported = new Set<string>();
    for (const [name, variable] of this.vars) {
      if (this.state.exported.has(name) && variable.kind === 'string') {
        vars.set(name, { ...variable, pieces: [...variable.pieces!] });
        exported.add(name);
      } else {
        const why = variable.kind === 'array' ? `${name} is an array, which bash does not export` : `${name} is not exported: the shell ${shell} -c starts has it only from its environment`;
        vars.set(name, { ...variable, kind: 'unknown', why, pieces: undefined, items: undefined });
      }
    }
    for (const [name, value] of prefix) {
      vars.set(name, { name, kind: 'string', pieces: value, nameRange: commandRange, valueRange: commandRange });
      exported.add(name);
    }
    const child: ShellState = { vars, env: this.env, exported, allexport: false, commands: [], embedded: this.embedded, written: this.written };
    new Interpreter(parsed.inline.text, child, this.budget, this.parser, this.depth + 1, parsed.inline).statements(parsed.root.children, uncertain);
    return { script, commands: child.commands };
  }

  /**
   * A word the grammar cut in two: tree-sitter-bash reads `./$OUT/$TASK/` as `./$OUT/$` and `TASK/`. A lone `$` ending
   * the first part and a name starting the plain word after it are the expansion `$TASK`; undefined for other cuts.
   */
  private splitExpansion(node: ShellSyntaxNode, next: ShellSyntaxNode): Chunk[] | undefined {
    const last = node.children[node.children.length - 1];
    const name = next.type === 'word' ? /^[A-Za-z_]\w*/.exec(this.src(next)) : null;
    if (node.type !== 'concatenation' || !last || last.named || this.src(last) !== '$' || !name) return undefined;
    const out: Chunk[] = [];
    for (const child of node.children.slice(0, -1)) out.push(...this.expand(child, false));
    out.push(...this.variableValue(name[0], undefined, false, this.at({ start: last.start, end: next.start + name[0].length })));
    const rest = next.start + name[0].length;
    if (rest < next.end) out.push({ pieces: this.unquoted(rest, next.end), split: false });
    return out;
  }

  private redirected(node: ShellSyntaxNode, uncertain: boolean): void {
    const body = node.children.find((c) => c.named && c.type !== 'heredoc_redirect' && c.type !== 'file_redirect' && c.type !== 'herestring_redirect');
    if (body) this.statement(body, uncertain);
    for (const heredoc of node.children.filter((c) => c.type === 'heredoc_redirect')) this.heredoc(heredoc);
    for (const redirect of node.children.filter((c) => c.type === 'file_redirect')) this.writtenBy(redirect);
  }

  /** `> file`, `>> file`, `>| file`, `&> file`: the script writes that file (a `<` reads it). */
  private writtenBy(redirect: ShellSyntaxNode): void {
    const operator = redirect.children.find((c) => !c.named);
    if (!operator || !/^(?:>|>>|>\||&>|&>>)$/.test(this.src(operator))) return;
    const targetWord = redirect.children.find((c) => c.named && c.type !== 'file_descriptor');
    if (!targetWord) return;
    const target = joinChunks(this.expand(targetWord, false));
    if (target.length > 0) this.written.push({ target, range: this.at(redirect) });
  }

  /** `cat <<EOT > file` (or `> file` before the heredoc): the body is a file the script writes. */
  private heredoc(node: ShellSyntaxNode): void {
    const startNode = node.children.find((c) => c.type === 'heredoc_start');
    const bodyNode = node.children.find((c) => c.type === 'heredoc_body');
    if (!startNode || !bodyNode) return;
    const redirect = node.children.find((c) => c.type === 'file_redirect') ?? findRedirectBefore(node);
    const targetWord = redirect?.children.find((c) => c.named && c.type !== 'file_descriptor');
    const quotedDelimiter = /['"\\]/.test(this.src(startNode));
    const body = quotedDelimiter
      ? this.verbatim(bodyNode.start, bodyNode.end)
      : joinChunks(this.expandParts(bodyNode, 'heredoc'));
    const target = targetWord ? joinChunks(this.expand(targetWord, false)) : [];
    const range = this.at(bodyNode);
    this.embedded.push({ target, body, range });
    if (target.length > 0) this.written.push({ target, range });
  }

  // ---- expansion ------------------------------------------------------------------------------

  /** Expands one word node. `assignment`: the right-hand side of an assignment (no field splitting later anyway). */
  expand(node: ShellSyntaxNode, assignment: boolean, quoted = false): Chunk[] {
    if (++this.budget.steps > MAX_STEPS) return [];
    switch (node.type) {
      case 'word':
      case 'number':
      case 'variable_name':
      case 'regex':
      case 'extglob_pattern':
        return [{ pieces: this.unquoted(node.start, node.end), split: false }];
      case 'raw_string':
        return [{ pieces: node.end - node.start >= 2 ? this.verbatim(node.start + 1, node.end - 1) : [], split: false }];
      case 'ansi_c_string':
        return [{ pieces: [{ text: decodeAnsiC(this.text.slice(node.start + 2, node.end - 1)), ...this.at(node), verbatim: false }], split: false }];
      case 'string':
      case 'translated_string':
        return this.expandParts(node, 'double');
      case 'concatenation': {
        const out: Chunk[] = [];
        for (const child of node.children) out.push(...this.expand(child, assignment, quoted));
        return out;
      }
      case 'simple_expansion':
        return this.parameter(node, quoted);
      case 'expansion':
        return this.parameter(node, quoted);
      case 'arithmetic_expansion': {
        const inner = node.children.filter((c) => c.named);
        const result = inner.length === 1 ? this.arithmetic(inner[0]) : { value: undefined };
        const range = this.at(node);
        if (result.value === undefined) return [{ pieces: [{ text: '', ...range, verbatim: false, unknown: result.unknown ?? this.src(node) }], split: !quoted }];
        return [{ pieces: [{ text: String(result.value), ...range, verbatim: false, ...(result.envDefault ? { envDefault: result.envDefault } : {}) }], split: !quoted }];
      }
      case 'command_substitution':
      case 'process_substitution':
        return [{ pieces: [{ text: '', ...this.at(node), verbatim: false, unknown: `the output of ${this.src(node).slice(0, 40)}` }], split: !quoted }];
      default:
        return [{ pieces: this.unquoted(node.start, node.end), split: false }];
    }
  }

  /** The parts of a double-quoted string or a heredoc body: literal text between the children, expansions in them. */
  private expandParts(node: ShellSyntaxNode, mode: 'double' | 'heredoc'): Chunk[] {
    const out: Chunk[] = [];
    let cursor = node.start + (mode === 'double' ? (this.text[node.start] === '$' ? 2 : 1) : 0);
    const end = node.end - (mode === 'double' && this.text[node.end - 1] === '"' ? 1 : 0);
    const literal = (from: number, to: number) => {
      if (to > from) out.push({ pieces: this.quotedLiteral(from, to, mode), split: false });
    };
    let sawContent = false;
    for (const child of node.children) {
      if (!child.named) continue;
      if (child.type === 'string_content' || child.type === 'heredoc_content') continue;
      // tree-sitter-bash starts an expansion after a line continuation at the blanks before it (` \\<newline>    $F`):
      // that text is the string's own, so the literal runs up to the `$`.
      const dollar = child.type === 'simple_expansion' || child.type === 'expansion' ? this.text.lastIndexOf('$', (child.children[0]?.end ?? child.start + 1) - 1) : -1;
      literal(cursor, Math.max(child.start, dollar));
      out.push(...this.expand(child, false, true));
      cursor = child.end;
      sawContent = true;
    }
    literal(Math.max(cursor, node.start), end);
    if (out.length === 0 || !sawContent) {
      if (out.length === 0) out.push({ pieces: [], split: false });
    }
    return out;
  }

  /** Source text as written: one exact piece, or where the text is re-read by eval or bash -c, the pieces it came from. */
  private verbatim(start: number, end: number): Piece[] {
    return this.inline ? this.inline.pieces(start, end) : [{ text: this.text.slice(start, end), start, end, verbatim: true }];
  }

  /** Where a node or span of the text was written in the script (see inline-text.ts for re-read text). */
  private at(span: OffsetRange): OffsetRange {
    return this.inline ? this.inline.range(span.start, span.end) : { start: span.start, end: span.end };
  }

  /** Unquoted literal text: a backslash quotes the next character; backslash-newline disappears. */
  private unquoted(start: number, end: number): Piece[] {
    const out: Piece[] = [];
    let run = start;
    for (let i = start; i < end; i++) {
      if (this.text[i] !== '\\') continue;
      if (i > run) out.push(...this.verbatim(run, i));
      if (i + 1 < end && this.text[i + 1] !== '\n') out.push({ text: this.text[i + 1], ...this.at({ start: i, end: i + 2 }), verbatim: false });
      i++;
      run = i + 1;
    }
    if (end > run) out.push(...this.verbatim(run, end));
    return out;
  }

  /** Literal text in double quotes or a heredoc: only \$ \` \\ \<newline> (and \" in double quotes) are escapes. */
  private quotedLiteral(start: number, end: number, mode: 'double' | 'heredoc'): Piece[] {
    const out: Piece[] = [];
    let run = start;
    const escapable = mode === 'double' ? '$`"\\\n' : '$`\\\n';
    for (let i = start; i < end; i++) {
      if (this.text[i] !== '\\' || i + 1 >= end || !escapable.includes(this.text[i + 1])) continue;
      if (i > run) out.push(...this.verbatim(run, i));
      if (this.text[i + 1] !== '\n') out.push({ text: this.text[i + 1], ...this.at({ start: i, end: i + 2 }), verbatim: false });
      i++;
      run = i + 1;
    }
    if (end > run) out.push(...this.verbatim(run, end));
    return out;
  }

  /** `$NAME`, `${NAME}`, `${NAME:-default}`, `${ARR[@]}`, `${#ARR[@]}`... */
  private parameter(node: ShellSyntaxNode, quoted: boolean): Chunk[] {
    const range = this.at(node);
    const children = node.children;
    const named = children.filter((c) => c.named);
    const unknown = (why: string): Chunk[] => [{ pieces: [{ text: '', ...range, verbatim: false, unknown: why }], split: !quoted }];
    if (node.type === 'simple_expansion') {
      const nameNode = named[0];
      if (!nameNode) return unknown(this.src(node));
      return this.variableValue(this.src(nameNode), undefined, quoted, range);
    }
    // ${...}
    const hasLength = children.some((c) => !c.named && this.src(c) === '#') && children.findIndex((c) => !c.named && this.src(c) === '#') === 1;
    const first = named[0];
    if (!first) return unknown(this.src(node));
    let name: string;
    let index: string | undefined;
    if (first.type === 'subscript') {
      const sub = first.children.filter((c) => c.named);
      name = sub[0] ? this.src(sub[0]) : '';
      index = sub[1] ? this.src(sub[1]) : undefined;
    } else if (first.type === 'variable_name' || first.type === 'special_variable_name') {
      name = this.src(first);
    } else return unknown(this.src(node));
    if (hasLength) {
      const variable = this.vars.get(name);
      if (variable?.kind === 'array') return [{ pieces: [{ text: String(variable.items!.length), ...range, verbatim: false }], split: false }];
      if (variable?.kind === 'string') return [{ pieces: [{ text: String(variable.pieces!.map((p) => p.text).join('').length), ...range, verbatim: false }], split: false }];
      return unknown(this.src(node));
    }
    const opIndex = children.findIndex((c, i) => i > children.indexOf(first) && !c.named && c.type !== '}');
    const opText = opIndex >= 0 ? this.src(children[opIndex]) : '';
    if (opText === '' || opText === '}') return this.variableValue(name, index, quoted, range);
    const operand = children.slice(opIndex + 1).filter((c) => c.named);
    const operandChunks = (): Chunk[] => {
      const chunks: Chunk[] = [];
      for (const part of operand) chunks.push(...this.expand(part, false, quoted));
      return chunks.map((c) => ('fieldBreak' in c ? c : { ...c, split: !quoted && c.split }));
    };
    const variable = this.vars.get(name);
    const isSet = variable !== undefined || this.env.has(name);
    const value = variable?.kind === 'string' ? variable.pieces!.map((p) => p.text).join('') : undefined;
    switch (opText) {
      case ':-':
      case '-':
      case ':=':
      case '=': {
        const emptyCounts = opText.startsWith(':');
        if (variable?.kind === 'unknown') return this.variableValue(name, index, quoted, range);
        if (variable && !(emptyCounts && value === '')) return this.variableValue(name, index, quoted, range);
        if (this.env.has(name)) return this.variableValue(name, index, quoted, range);
        // Not set by the script: the environment may set it; otherwise the default applies.
        const chunks = operandChunks();
        if (isSet) return chunks;
        return chunks.map((c) => ('fieldBreak' in c ? c : { ...c, pieces: c.pieces.map((p) => ({ ...p, envDefault: p.envDefault ?? name })) }));
      }
      case ':+':
      case '+':
        if (variable === undefined) return unknown(`$${name} from the environment`);
        if (variable.kind === 'unknown') return unknown(variable.why ?? name);
        return (opText === ':+' && value === '') ? [] : operandChunks();
      default:
        return unknown(this.src(node)); // Pattern removal, substrings, case changes: not followed.
    }
  }

  private variableValue(name: string, index: string | undefined, quoted: boolean, range: OffsetRange): Chunk[] {
    const placeholder = this.inline?.unknownOf(name);
    if (placeholder) return [{ pieces: [placeholder], split: !quoted }];
    const variable = this.vars.get(name);
    // `"${ARR[@]}"` of an array the script does not know is any number of words.
    const many = index === '@' || index === '*' ? { words: 'args' as const } : {};
    const unknown = (why: string): Chunk[] => [{ pieces: [{ text: '', ...range, verbatim: false, unknown: why, ...many }], split: !quoted }];
    if (!variable) {
      const fromEnv = this.env.get(name);
      if (fromEnv) return [{ pieces: [fromEnv], split: !quoted }];
      // "$@" and $* are all of the script's arguments: any number of words, none included.
      if (name === '@' || name === '*') return [{ pieces: [{ text: '', ...range, verbatim: false, unknown: `the script's arguments $${name}`, words: 'args' }], split: !quoted }];
      if (/^\d+$|^[#?$!-]$/.test(name)) return unknown(`the script's argument $${name}`);
      return unknown(`$${name} from the environment`);
    }
    if (variable.kind === 'unknown') return [{ pieces: [{ text: '', ...range, verbatim: false, unknown: variable.why ?? `$${name}`, variable: name, ...many }], split: !quoted }];
    if (variable.kind === 'array') {
      const items = variable.items!;
      if (index === '@' || index === '*') {
        if (quoted && index === '*') return [{ pieces: joinChunks(items.flatMap((f) => [{ pieces: f, split: false }, { fieldBreak: true } as Chunk])), split: false }];
        const out: Chunk[] = [];
        items.forEach((item, i) => {
          if (i > 0) out.push({ fieldBreak: true });
          out.push({ pieces: item, split: !quoted });
        });
        return out;
      }
      const i = index === undefined ? 0 : Number(index);
      if (!Number.isInteger(i) || i < 0 || i >= items.length) return index === undefined || Number.isInteger(i) ? [] : unknown(`\${${name}[${index}]}`);
      return [{ pieces: items[i], split: !quoted }];
    }
    if (index !== undefined && index !== '0' && index !== '@' && index !== '*') return [];
    return [{ pieces: variable.pieces!, split: !quoted }];
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  private arithmetic(node: ShellSyntaxNode, depth = 0): { value?: number; unknown?: string; envDefault?: string } {
    if (depth > 64) return { unknown: 'arithmetic nested too deep' };
    switch (node.type) {
      case 'number': {
        const value = parseShellInt(this.src(node));
        return value === undefined ? { unknown: this.src(node) } : { value };
      }
      case 'word':
      case 'variable_name': {
        const text = this.src(node);
        if (/^\d/.test(text)) {
          const value = parseShellInt(text);
          return value === undefined ? { unknown: text } : { value };
        }
        return this.arithmeticVariable(text, node);
      }
      case 'simple_expansion':
      case 'expansion': {
        const pieces = joinChunks(this.expand(node, false, true));
        const missing = pieces.find((p) => p.unknown !== undefined);
        if (missing) return { unknown: missing.unknown };
        const value = parseShellInt(pieces.map((p) => p.text).join('').trim());
        const envDefault = pieces.find((p) => p.envDefault)?.envDefault;
        return value === undefined ? { unknown: this.src(node) } : { value, ...(envDefault ? { envDefault } : {}) };
      }
      case 'parenthesized_expression': {
        const inner = node.children.find((c) => c.named);
        return inner ? this.arithmetic(inner, depth + 1) : { unknown: this.src(node) };
      }
      case 'unary_expression': {
        const op = this.src(node.children[0]);
        const operand = node.children.find((c, i) => i > 0 && c.named);
        const value = operand ? this.arithmetic(operand, depth + 1) : { unknown: this.src(node) };
        if (value.value === undefined) return value;
        if (op === '-') return { ...value, value: -value.value };
        if (op === '+') return value;
        if (op === '!') return { ...value, value: value.value === 0 ? 1 : 0 };
        return { unknown: this.src(node) };
      }
      case 'binary_expression': {
        const left = this.arithmetic(node.children[0], depth + 1);
        const right = this.arithmetic(node.children[node.children.length - 1], depth + 1);
        const op = this.src(node.children[1]);
        if (left.value === undefined) return left;
        if (right.value === undefined) return right;
        const a = left.value;
        const b = right.value;
        const envDefault = left.envDefault ?? right.envDefault;
        const result = arithmeticOp(op, a, b);
        return result === undefined ? { unknown: this.src(node) } : { value: result, ...(envDefault ? { envDefault } : {}) };
      }
      default:
        return { unknown: this.src(node) };
    }
  }

  private arithmeticVariable(name: string, node: ShellSyntaxNode): { value?: number; unknown?: string; envDefault?: string } {
    const chunks = this.variableValue(name, undefined, true, this.at(node));
    const pieces = joinChunks(chunks);
    const missing = pieces.find((p) => p.unknown !== undefined);
    if (missing) return { unknown: missing.unknown };
    const text = pieces.map((p) => p.text).join('').trim();
    if (text === '') return { value: 0 };
    const value = parseShellInt(text);
    const envDefault = pieces.find((p) => p.envDefault)?.envDefault;
    return value === undefined ? { unknown: `$${name}` } : { value, ...(envDefault ? { envDefault } : {}) };
  }
}

function findRedirectBefore(node: ShellSyntaxNode): ShellSyntaxNode | undefined {
  return node.children.find((c) => c.type === 'file_redirect');
}

function arithmeticOp(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : Math.trunc(a / b);
    case '%':
      return b === 0 ? undefined : a % b;
    case '**':
      return b < 0 || b > 64 ? undefined : a ** b;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    default:
      return undefined;
  }
}

/** A shell integer: decimal, 0x hex, 0 octal, base#digits. */
export function parseShellInt(text: string): number | undefined {
  const t = text.trim();
  if (/^[-+]?\d+$/.test(t)) return t.length > 1 && /^[-+]?0\d/.test(t) ? parseInt(t, 8) : Number(t);
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t, 16);
  return undefined;
}

function decodeAnsiC(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[c] ?? c);
}
