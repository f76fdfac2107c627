// Asks the programs themselves about bench/wild's findings: transformers' HfArgumentParser, TRL's configs, accelerate's
// config loader and DeepSpeed's pydantic models, installed from PyPI at the version the finding is about, in throwaway
// virtual environments outside the repository. The oracle for the verdicts it can decide, and a differential test of
// TrainLint's argument facts (key-ranges.json, the schemas).
// Run: npm run build && node out/bench/wild/oracle/run.js [--offline] [--cache DIR] [--wild DIR] [--findings FILE]
//   [--max-versions N] [--only transformers,trl,accelerate,deepspeed] [--record FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { judgeKey, loadVerdicts } from '../verdicts';
import { inScope, outcome, questionFor, resolveVersion, severityAgrees, type Answer, type Claim, type Framework, type OracleFinding, type Outcome } from './questions';

const root = resolve(__dirname, '..', '..', '..', '..');
const here = join(root, 'bench', 'wild');
const ask = join(here, 'oracle', 'ask.py');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const offline = process.argv.includes('--offline');
const cache = option('--cache', join(process.env.TMPDIR || tmpdir(), 'trainlint-oracle'));
const wild = option('--wild', join(process.env.TMPDIR || tmpdir(), 'trainlint-wild'));
const findingsFile = option('--findings', join(wild, 'findings.json'));
const maxVersions = Number(option('--max-versions', '6'));
const only = new Set(option('--only', 'transformers,trl,accelerate,deepspeed').split(',').filter(Boolean));
const record = option('--record', join(cache, 'answers.json'));

/** Releases PyPI lists for a package (pip index versions), cached so --offline runs know them too. */
function releases(pkg: string): string[] {
  const file = join(cache, `releases-${pkg}.json`);
  if (offline || existsSync(file)) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as string[];
    return [];
  }
  const run = spawnSync('python3', ['-m', 'pip', 'index', 'versions', pkg], { encoding: 'utf8' });
  const m = /Available versions: (.*)/.exec(run.stdout ?? '');
  const list = m ? m[1].split(',').map((s) => s.trim()) : [];
  if (list.length > 0) writeFileSync(file, JSON.stringify(list));
  return list;
}

/**
 * What each environment holds besides the framework: TRL, accelerate and DeepSpeed import torch, which one shared
 * environment holds (a .pth file puts it on the path; PyPI's torch is the CUDA build, a few GB, installed once);
 * TrainingArguments needs no torch, and without it asks nothing of the machine. An older TRL gets a transformers of
 * its time (TRL 0.7 imports helpers later transformers removed).
 */
function extras(framework: Framework, version: string): string[] {
  if (framework !== 'trl') return [];
  const [major, minor] = version.split('.').map(Number);
  if (major >= 1) return [];
  if (minor < 8) return ['transformers<4.38'];
  if (minor < 12) return ['transformers<4.46'];
  if (minor < 20) return ['transformers<4.54'];
  return ['transformers<5'];
}

function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  const run = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  return { ok: run.status === 0, out: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

function torchSite(): string | undefined {
  const venv = join(cache, 'venv-torch');
  const py = join(venv, 'bin', 'python');
  if (!existsSync(py)) {
    if (offline) return undefined;
    console.log(`installing torch once into ${venv} (PyPI's build, a few GB)`);
    if (!sh('python3', ['-m', 'venv', venv]).ok || !sh(py, ['-m', 'pip', 'install', '-q', 'torch']).ok) return undefined;
  }
  const site = sh(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']);
  return site.ok ? site.out.trim() : undefined;
}

/** The environment's Python for framework==version, made on first use (not with --offline); undefined when it cannot be had. */
function venvFor(framework: Framework, version: string, notes: string[]): string | undefined {
  const venv = join(cache, `venv-${framework}-${version}`);
  const py = join(venv, 'bin', 'python');
  const done = join(venv, '.trainlint-ready');
  if (existsSync(done)) return py;
  if (offline) {
    notes.push(`${framework} ${version}: no environment (--offline)`);
    return undefined;
  }
  console.log(`making ${venv}`);
  if (!sh('python3', ['-m', 'venv', '--clear', venv]).ok) return undefined;
  if (framework !== 'transformers') {
    const site = torchSite();
    if (!site) {
      notes.push(`${framework} ${version}: torch could not be installed`);
      return undefined;
    }
    const own = sh(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).out.trim();
    writeFileSync(join(own, 'zz-trainlint-shared-torch.pth'), `${site}\n`);
  }
  const install = sh(py, ['-m', 'pip', 'install', '-q', `${framework}==${version}`, ...extras(framework, version)], { DS_BUILD_OPS: '0' });
  if (!install.ok) {
    notes.push(`${framework} ${version}: pip install failed: ${install.out.trim().split('\n').slice(-2).join(' ')}`);
    return undefined;
  }
  writeFileSync(done, `${framework}==${version} ${extras(framework, version).join(' ')}\n`);
  return py;
}

/** The literal value a launch script gives a flag (`--loss_type sigmoid`), if one is written plainly. */
function flagValue(text: string, key: string): string | undefined {
  const m = new RegExp(`--${key}(?:=|[ \\t]+(?:\\\\\\n[ \\t]*)?)(?!-)("[^"$\`]*"|'[^']*'|[^\\s"'$\`\\\\;]+)`).exec(text);
  return m ? m[1].replace(/^["']|["']$/g, '') : undefined;
}

interface Asked {
  claim: Claim;
  version?: string;
  result: Outcome;
  answer?: Answer;
  note?: string;
}

function main(): void {
  mkdirSync(cache, { recursive: true });
  const findings = (JSON.parse(readFileSync(findingsFile, 'utf8')) as OracleFinding[]).filter((f) => f.format !== undefined);
  if (findings.length === 0) throw new Error(`${findingsFile} has no format field: rerun node out/bench/wild/run.js`);
  const verdicts = loadVerdicts(readFileSync(join(here, 'verdicts.tsv'), 'utf8'));
  const questions = findings.filter(inScope).map(questionFor);
  const notes: string[] = [];

  // Which versions to ask: the latest, the latest 4.x where asked, and the pins the findings name, most named first,
  // at most --max-versions per framework.
  const resolved = new Map<Claim, string | undefined>();
  const wanted = new Map<string, number>();
  const list = new Map<Framework, string[]>();
  for (const q of questions)
    for (const c of q.claims) {
      if (!only.has(c.framework)) continue;
      if (!list.has(c.framework)) list.set(c.framework, releases(c.framework));
      const v = resolveVersion(c.version, list.get(c.framework) as string[]);
      resolved.set(c, v);
      if (v) wanted.set(`${c.framework}==${v}`, (wanted.get(`${c.framework}==${v}`) ?? 0) + ('pinned' in c.version ? 1 : 1e6));
    }
  const chosen = new Set<string>();
  for (const framework of list.keys()) {
    const mine = [...wanted].filter(([k]) => k.startsWith(`${framework}==`)).sort((a, b) => b[1] - a[1]);
    for (const [k] of mine.slice(0, maxVersions)) chosen.add(k);
    for (const [k] of mine.slice(maxVersions)) notes.push(`${k}: not asked (more than --max-versions ${maxVersions})`);
  }

  // One batch of questions per environment; a file (or a command line) is asked once for all the keys claimed on it.
  const asked: Asked[] = [];
  const batches = new Map<string, { framework: Framework; version: string; lines: Map<string, Record<string, unknown>>; claims: Array<{ claim: Claim; id: string }> }>();
  for (const q of questions)
    for (const claim of q.claims) {
      const version = resolved.get(claim);
      if (!only.has(claim.framework)) continue;
      if (!version || !chosen.has(`${claim.framework}==${version}`)) {
        asked.push({ claim, version, result: 'undecided', note: version ? 'version not asked' : `no release for ${JSON.stringify(claim.version)}` });
        continue;
      }
      const f = q.finding;
      const path = join(wild, `${f.repo.replace('/', '+')}@${f.commit.slice(0, 12)}`, f.path);
      const batchKey = `${claim.framework}==${version}`;
      const batch = batches.get(batchKey) ?? { framework: claim.framework, version, lines: new Map<string, Record<string, unknown>>(), claims: [] as Array<{ claim: Claim; id: string }> };
      batches.set(batchKey, batch);
      let id: string;
      if (claim.kind === 'hf-args') {
        const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
        const value = claim.about === 'value' ? flagValue(text, claim.key) : undefined;
        if (claim.about === 'value' && value === undefined) {
          asked.push({ claim, version, result: 'undecided', note: 'the value is not written plainly' });
          continue;
        }
        // One command line per flag: a launch script's other flags belong to its program.
        id = `${claim.kind}\t${(claim.classes ?? []).join(',')}\t${claim.key}\t${value ?? ''}`;
        if (!batch.lines.has(id)) batch.lines.set(id, { id, kind: 'hf-args', classes: claim.classes, flags: { [claim.key]: value ?? null } });
      } else {
        id = `${claim.kind}\t${(claim.classes ?? []).join(',')}\t${path}`;
        const line = batch.lines.get(id) ?? { id, kind: claim.kind, path, classes: claim.classes, keys: [] as string[] };
        if (!(line.keys as string[]).includes(claim.key)) (line.keys as string[]).push(claim.key);
        batch.lines.set(id, line);
      }
      batch.claims.push({ claim, id });
    }
  const answers: Record<string, Record<string, Answer>> = {};
  for (const [name, batch] of [...batches].sort()) {
    const py = venvFor(batch.framework, batch.version, notes);
    const byId = new Map<string, Answer>();
    if (py) {
      const started = Date.now();
      const run = spawnSync(py, [ask, '--batch'], { input: [...batch.lines.values()].map((l) => JSON.stringify(l)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, DS_BUILD_OPS: '0', PYTHONWARNINGS: 'ignore' } });
      for (const line of (run.stdout ?? '').split('\n')) {
        if (!line.startsWith('{')) continue;
        const a = JSON.parse(line) as Answer & { id: string };
        byId.set(a.id, a);
      }
      if (byId.size === 0) notes.push(`${name}: ask.py answered nothing: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
      console.log(`asked ${name}: ${batch.lines.size} questions in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    answers[name] = Object.fromEntries(byId);
    for (const { claim, id } of batch.claims) {
      const answer = byId.get(id);
      asked.push({ claim, version: batch.version, result: outcome(claim, answer), answer, note: answer ? undefined : 'no answer' });
    }
  }
  writeFileSync(record, JSON.stringify(answers, null, 1));
  report(questions, asked, verdicts);
  if (notes.length > 0) console.log(`\nnotes:\n  ${notes.join('\n  ')}`);
  console.log(`\nevery answer: ${record}`);
}

function answerText(a: Asked): string {
  const answer = a.answer;
  if (!answer) return a.note ?? 'no answer';
  if (a.claim.about === 'key' && answer.known) {
    const known = answer.known[a.claim.key] ?? [];
    return known.length > 0 ? `a field of ${known.join(', ')}` : `no class has it (${Object.keys(answer.per_class ?? {}).join(', ') || 'none'})`;
  }
  if (answer.accepted) return 'loads it';
  return `${answer.error?.type}: ${(answer.error?.message ?? '').replace(/\s+/g, ' ').slice(0, 220)}`;
}

function report(questions: ReturnType<typeof questionFor>[], asked: Asked[], verdicts: ReturnType<typeof loadVerdicts>): void {
  const byClaim = new Map(asked.map((a) => [a.claim, a]));
  console.log(`\nfindings the oracle may ask about: ${questions.length} (unknown-key, invalid-value, deprecated-key on hf-trainer, accelerate and deepspeed files)`);
  const skipped = new Map<string, number>();
  for (const q of questions) if (q.skipped) skipped.set(q.skipped, (skipped.get(q.skipped) ?? 0) + 1);
  for (const [why, n] of skipped) console.log(`  not asked: ${n} (${why})`);

  console.log('\nrule / severity                 findings decided  claims agree disagree undecided   severity: agree capped disagree');
  const rows = new Map<string, { findings: number; decided: number; agree: number; disagree: number; undecided: number; sAgree: number; sCapped: number; sDisagree: number }>();
  const disagreements: Array<{ q: ReturnType<typeof questionFor>; a: Asked }> = [];
  const severityOff: Array<{ q: ReturnType<typeof questionFor>; a: Asked }> = [];
  const capped: Array<{ q: ReturnType<typeof questionFor>; a: Asked }> = [];
  const verdictRows: Array<{ q: ReturnType<typeof questionFor>; a: Asked; real: boolean }> = [];
  for (const q of questions) {
    if (q.claims.length === 0) continue;
    const name = `${q.finding.rule} ${q.finding.severity}`;
    const row = rows.get(name) ?? { findings: 0, decided: 0, agree: 0, disagree: 0, undecided: 0, sAgree: 0, sCapped: 0, sDisagree: 0 };
    rows.set(name, row);
    row.findings++;
    let decided = false;
    let severity: string | undefined;
    for (const c of q.claims) {
      const a = byClaim.get(c);
      if (!a || a.result === 'undecided') {
        row.undecided++;
        continue;
      }
      decided = true;
      if (a.result === c.expect) row.agree++;
      else {
        row.disagree++;
        disagreements.push({ q, a });
      }
      const s = severityAgrees(q.finding, c, a.result);
      if (s !== 'undecided' && severity !== 'disagree') severity = s;
      if (s === 'disagree') severityOff.push({ q, a });
      if (s === 'capped') capped.push({ q, a });
      const v = verdicts.get(judgeKey(q.finding));
      if (v && c.inUse && !verdictRows.some((r) => r.q === q)) verdictRows.push({ q, a, real: v.real });
    }
    if (decided) row.decided++;
    if (severity === 'agree') row.sAgree++;
    if (severity === 'capped') row.sCapped++;
    if (severity === 'disagree') row.sDisagree++;
  }
  const total = { findings: 0, decided: 0, agree: 0, disagree: 0, undecided: 0, sAgree: 0, sCapped: 0, sDisagree: 0 };
  for (const [name, r] of [...rows].sort()) {
    console.log(`${name.padEnd(30)} ${String(r.findings).padStart(9)} ${String(r.decided).padStart(7)} ${String(r.agree).padStart(13)} ${String(r.disagree).padStart(8)} ${String(r.undecided).padStart(9)} ${String(r.sAgree).padStart(17)} ${String(r.sCapped).padStart(6)} ${String(r.sDisagree).padStart(8)}`);
    for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += r[k];
  }
  console.log(`${'all'.padEnd(30)} ${String(total.findings).padStart(9)} ${String(total.decided).padStart(7)} ${String(total.agree).padStart(13)} ${String(total.disagree).padStart(8)} ${String(total.undecided).padStart(9)} ${String(total.sAgree).padStart(17)} ${String(total.sCapped).padStart(6)} ${String(total.sDisagree).padStart(8)}`);

  const perVersion = new Map<string, { agree: number; disagree: number; undecided: number }>();
  for (const a of asked) {
    const k = `${a.claim.framework} ${a.version ?? '?'}`;
    const r = perVersion.get(k) ?? { agree: 0, disagree: 0, undecided: 0 };
    if (a.result === 'undecided') r.undecided++;
    else if (a.result === a.claim.expect) r.agree++;
    else r.disagree++;
    perVersion.set(k, r);
  }
  console.log('\nclaims per version asked: agree / disagree / undecided');
  for (const [k, r] of [...perVersion].sort()) console.log(`  ${k.padEnd(24)} ${r.agree} / ${r.disagree} / ${r.undecided}`);

  // The hand verdicts. On an error, T says the program stops: the oracle agrees where it raises at the version in use.
  // On a warning or an info, T says it is worth acting on, which is more than what the program does with the key: only
  // the cross-count is printed.
  const errorRows = verdictRows.filter((r) => r.q.finding.severity === 'error');
  const vAgree = errorRows.filter((r) => (r.a.result === 'rejects') === r.real);
  console.log(`\nhand verdicts (verdicts.tsv) on errors the oracle decided at the version in use: ${errorRows.length}, agreeing ${vAgree.length} (T = the program raises)`);
  for (const r of errorRows.filter((x) => !vAgree.includes(x))) console.log(`  verdict ${r.real ? 'T' : 'F'}, program ${r.a.result} at ${r.a.claim.framework} ${r.a.version}: ${describe(r.q.finding, r.a)}`);
  const soft = verdictRows.filter((r) => r.q.finding.severity !== 'error');
  const cell = (real: boolean, borne: boolean) => soft.filter((r) => r.real === real && (r.a.result === r.a.claim.expect) === borne).length;
  console.log(`hand verdicts on warnings and infos decided: ${soft.length}; the program does what the finding says: T ${cell(true, true)}, F ${cell(false, true)}; it does not: T ${cell(true, false)}, F ${cell(false, false)}`);

  const show = (title: string, items: Array<{ q: ReturnType<typeof questionFor>; a: Asked }>) => {
    console.log(`\n${title} (${items.length}):`);
    const groups = new Map<string, { n: number; first: { q: ReturnType<typeof questionFor>; a: Asked } }>();
    for (const item of items) {
      const k = `${item.a.claim.framework} ${item.a.version} ${item.a.claim.key} ${item.a.claim.expect} ${item.q.finding.rule} ${item.q.finding.severity}`;
      const g = groups.get(k) ?? { n: 0, first: item };
      g.n++;
      groups.set(k, g);
    }
    for (const { n, first } of groups.values()) console.log(`  ${n > 1 ? `[${n} findings like this] ` : ''}${describe(first.q.finding, first.a)}`);
  };
  show('disagreements: the finding says the program does one thing, the program does the other', disagreements);
  show('severity disagreements at the version in use (error on a key the program takes, or softer than a rejection where no program class can own the key)', severityOff);
  // Softer than upstream: one line per key and version, not per finding (launch scripts repeat the same flags).
  const softer = new Map<string, number>();
  for (const { q, a } of capped) {
    const k = `${a.claim.framework} ${a.version} ${a.claim.key} (${q.finding.rule} ${q.finding.severity})`;
    softer.set(k, (softer.get(k) ?? 0) + 1);
  }
  console.log(`\nsofter than upstream: the upstream classes reject the key at the version in use, the program's own argument classes may define it (${capped.length} claims, ${softer.size} keys); most frequent:`);
  for (const [k, n] of [...softer].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${String(n).padStart(4)}  ${k}`);
}

function describe(f: OracleFinding, a: Asked): string {
  return `${f.repo}@${f.commit.slice(0, 12)} ${f.path}:${f.line} [${f.rule} ${f.severity}] key ${a.claim.key}: TrainLint says ${a.claim.framework} ${a.version} ${a.claim.expect === 'rejects' ? 'rejects' : 'takes'} it${a.claim.about === 'value' ? ' (the value)' : ''}; the program: ${answerText(a)}\n      our message: ${f.message.slice(0, 260)}`;
}

main();
