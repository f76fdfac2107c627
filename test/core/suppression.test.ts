import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, applyEdits, disableFixes, LineIndex, type Diagnostic, type FileAnalysis } from '../../server/src/core/index';
import { readDirectives } from '../../server/src/core/suppress/directives';
import type { ShellParser } from '../../server/src/core/shell/syntax';
import { loadShellParser } from '../../server/src/node/shell-parser';
import { bashAccepts, readFixture } from '../helpers';

/** Where each diagnostic stands, 1-based line, as `rule@line`. */
function found(analysis: FileAnalysis): string[] {
  const lines = new LineIndex(analysis.text);
  return analysis.diagnostics.map((d) => `${d.rule}@${lines.positionAt(d.range.start).line + 1}`);
}

/** The text with the comments that start with `# trainlint:` taken out: what the file reports unsilenced. */
function withoutDirectives(text: string): string {
  return text.replace(/[ \t]*# trainlint: disable[^\n]*/g, '');
}

function edited(text: string, edits: Parameters<typeof applyEdits>[1]): string {
  return applyEdits(text, edits).text;
}

describe('suppression comments', () => {
  let shellParser: ShellParser;
  before(async () => {
    shellParser = (await loadShellParser())!;
  });

  it('in YAML: the file, this line, the next line; unused names and unknown ones are reported', () => {
    const text = readFixture('suppress', 'sft.yaml');
    assert.deepEqual(found(analyze(withoutDirectives(text), { path: 'sft.yaml' })), ['yaml-float-as-string@3', 'unknown-key@7', 'unknown-key@9', 'unknown-key@11']);
    const analysis = analyze(text, { path: 'sft.yaml' });
    // TL004 by code for the file, unknown-key on line 7 and line 9; logging_stpes stays reported.
    assert.deepEqual(found(analysis), ['unused-suppression@8', 'unknown-suppressed-rule@10', 'unused-suppression@10', 'unknown-key@11']);
    const byRule = (rule: string) => analysis.diagnostics.filter((d) => d.rule === rule);
    assert.equal(byRule('unused-suppression')[0].code, 'TL006');
    assert.equal(byRule('unused-suppression')[0].severity, 'info');
    assert.match(byRule('unused-suppression')[0].message, /deprecated-key reports nothing on the next line/);
    const unknown = byRule('unknown-suppressed-rule')[0];
    assert.equal(unknown.severity, 'warning');
    assert.match(unknown.message, /Did you mean "unknown-key"\?/);
    assert.equal(analysis.text.slice(unknown.range.start, unknown.range.end), 'unknown-kye');
  });

  it('the fixes of an unused name take it out of its list, or the whole comment out', () => {
    const text = readFixture('suppress', 'sft.yaml');
    const analysis = analyze(text, { path: 'sft.yaml' });
    const [nextLine, line] = analysis.diagnostics.filter((d) => d.rule === 'unused-suppression');
    assert.equal(nextLine.fixes[0].title, 'Remove deprecated-key from the suppression comment');
    assert.match(edited(text, nextLine.fixes[0].edits), /\n# trainlint: disable-next-line=unknown-key\nwarmup_ratoi/);
    assert.match(edited(text, line.fixes[0].edits), /\nweight_decay: 0\.0 {2}# trainlint: disable=unknown-kye\n/);
    // Not applied in bulk: a finding that needs a linked file or a baseline may be missing from one analysis only.
    assert.ok(analysis.diagnostics.filter((d) => d.rule !== 'unknown-key').every((d) => d.fixes.length > 0 && d.fixes.every((f) => !f.safe)));
    const alone = 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 3  # trainlint: disable=unknown-key\n';
    const unused = analyze(alone, { path: 'sft.yaml' }).diagnostics;
    assert.deepEqual(unused.map((d) => d.rule), ['unused-suppression']);
    assert.equal(edited(alone, unused[0].fixes[0].edits), 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 3\n');
  });

  it('in a launch script: disable-file and disable-next-line by code; `all` silences every rule on its line', () => {
    const text = readFixture('suppress', 'launch.sh');
    assert.deepEqual(found(analyze(withoutDirectives(text), { path: 'launch.sh', shellParser })), ['batch-size-mismatch@6', 'unknown-key@6']);
    assert.deepEqual(found(analyze(text, { path: 'launch.sh', shellParser })), []);
    const all = withoutDirectives(text).replace('--hidden-dropuot 0.1', '--hidden-dropuot 0.1  # trainlint: disable=all');
    assert.deepEqual(found(analyze(all, { path: 'launch.sh', shellParser })), []);
  });

  it('the settings still rule: a suppression of a rule turned off is not reported unused, and the new rules can be turned off', () => {
    const text = readFixture('suppress', 'sft.yaml');
    const off = analyze(text, { path: 'sft.yaml', settings: { rules: { 'deprecated-key': 'off', 'invalid-value': 'off', TL007: 'off' } } });
    assert.deepEqual(found(off), ['unknown-key@11']);
  });

  it('reads a long stack of directives in linear time, each next-line one aimed past the stack', () => {
    const count = 50_000;
    const text = '# trainlint: disable-next-line=unknown-key\n'.repeat(count) + 'key: 1\n';
    const started = Date.now();
    const directives = readDirectives(text);
    assert.ok(Date.now() - started < 2000, 'a quadratic walk takes minutes here');
    assert.equal(directives.length, count);
    assert.ok(directives.every((d) => d.target === count));
    // Through the engine too: each comment is unused here, each reported once.
    const stacked = '# trainlint: disable-next-line=unknown-key\n'.repeat(count) + 'output_dir: out\nper_device_train_batch_size: 4\nnum_train_epochs: 3\nlogging_stpes: 10\n';
    const engine = Date.now();
    const reported = analyze(stacked, { path: 'sft.yaml' }).diagnostics;
    assert.ok(Date.now() - engine < 10_000);
    assert.equal(reported.filter((d) => d.rule === 'unused-suppression').length, count);
    assert.equal(reported.filter((d) => d.rule === 'unknown-key').length, 1);
    assert.deepEqual(readDirectives('a: 1 #trainlint: disable=x\nb#trainlint: disable=y\n# trainlint: format=deepspeed\n').map((d) => d.names[0].name), ['x']);
  });
});

describe('"disable for this line / file" fixes', () => {
  let shellParser: ShellParser;
  before(async () => {
    shellParser = (await loadShellParser())!;
  });

  /** A finding of `rule` on a 1-based line, as a rule would report it there. */
  function at(analysis: FileAnalysis, line: number, rule = 'unknown-key'): Diagnostic {
    const start = new LineIndex(analysis.text).offsetAt({ line: line - 1, character: 0 });
    return { code: 'TL201', rule, severity: 'error', message: '', range: { start, end: start }, fixes: [], related: [] };
  }

  it('silence the finding in YAML, extending a comment already there, keeping the rest of the file', () => {
    const text = readFixture('suppress', 'sft.yaml');
    const analysis = analyze(text, { path: 'sft.yaml' });
    const stpes = analysis.diagnostics.find((d) => d.rule === 'unknown-key')!;
    const [line, file] = disableFixes(analysis, stpes);
    assert.deepEqual([line.title, file.title], ['Disable unknown-key for this line', 'Disable unknown-key for this file']);
    for (const fix of [line, file]) {
      const after = analyze(edited(text, fix.edits), { path: 'sft.yaml' });
      assert.ok(!after.diagnostics.some((d) => d.rule === 'unknown-key'), fix.title);
    }
    assert.match(edited(text, line.edits), /\nlogging_stpes: 10 {2}# trainlint: disable=unknown-key\n$/);
    assert.match(edited(text, file.edits), /^# trainlint: disable-file=TL004,unknown-key\n/);
    // The suppression rules' own findings get no such action.
    assert.deepEqual(disableFixes(analysis, analysis.diagnostics.find((d) => d.rule === 'unused-suppression')!), []);
  });

  it('no line comment inside a block scalar, where `#` is text', () => {
    const text = 'output_dir: out\nper_device_train_batch_size: 4\nrun_name: |\n  first\n  second\nnum_train_epochs: 3\n';
    const analysis = analyze(text, { path: 'sft.yaml' });
    assert.deepEqual(disableFixes(analysis, at(analysis, 4)).map((f) => f.title), ['Disable unknown-key for this file']);
    assert.deepEqual(disableFixes(analysis, at(analysis, 6)).map((f) => f.title), ['Disable unknown-key for this line', 'Disable unknown-key for this file']);
  });

  it('in a script: no line comment on a continued command, in a multi-line string or a heredoc; every edit keeps bash -n passing', () => {
    const text = readFixture('suppress', 'multi-line.sh');
    const analysis = analyze(text, { path: 'multi-line.sh', shellParser });
    const flag = analysis.diagnostics.find((d) => d.rule === 'unknown-key')!;
    assert.equal(new LineIndex(text).positionAt(flag.range.start).line + 1, 13, 'the last line of a continued command');
    const titles = (line: number) => disableFixes(analysis, at(analysis, line)).map((f) => f.title);
    for (const line of [3, 5, 6, 7, 8, 9, 10, 11, 12, 13]) assert.deepEqual(titles(line), ['Disable unknown-key for this file'], `line ${line}`);
    assert.deepEqual(titles(2), ['Disable unknown-key for this line', 'Disable unknown-key for this file']);
    const file = disableFixes(analysis, flag)[0];
    const withFile = edited(text, file.edits);
    assert.match(withFile, /^#!\/bin\/bash\n# trainlint: disable-file=unknown-key\nGPUS=8\n/);
    assert.ok(bashAccepts(withFile));
    assert.deepEqual(analyze(withFile, { path: 'multi-line.sh', shellParser }).diagnostics, []);
    for (const line of [2, 4]) {
      for (const fix of disableFixes(analysis, at(analysis, line))) assert.ok(bashAccepts(edited(text, fix.edits)), `${fix.title} on line ${line}`);
    }
  });

  it('a one-line command takes the line comment, and bash still runs it as written', () => {
    const text = withoutDirectives(readFixture('suppress', 'launch.sh'));
    const analysis = analyze(text, { path: 'launch.sh', shellParser });
    const flag = analysis.diagnostics.find((d) => d.rule === 'unknown-key')!;
    const [line] = disableFixes(analysis, flag);
    const withLine = edited(text, line.edits);
    assert.match(withLine, /--hidden-dropuot 0\.1 {2}# trainlint: disable=unknown-key\n$/);
    assert.ok(bashAccepts(withLine));
    assert.deepEqual(found(analyze(withLine, { path: 'launch.sh', shellParser })), ['batch-size-mismatch@6']);
  });
});
