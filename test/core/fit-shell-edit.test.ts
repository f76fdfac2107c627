import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitShellEdit } from '../../server/src/core/fix/edits';

/** The text after a JSON-literal value replacement over `span` (what rules write), fitted to its shell word. */
function replaced(text: string, span: string, newText: string): string | undefined {
  const start = text.indexOf(span);
  const edit = fitShellEdit(text, { range: { start, end: start + span.length }, newText });
  return edit && text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
}

const bashAvailable = spawnSync('bash', ['-c', 'true']).status === 0;

/** The words bash reads from a line, by printf '%s\n' over them. */
function words(line: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tl-shell-word-'));
  writeFileSync(join(dir, 'w.sh'), `printf '%s\\n' ${line}\n`);
  return spawnSync('bash', [join(dir, 'w.sh')], { encoding: 'utf8' }).stdout.split('\n').slice(0, -1);
}

test('a value inside quotes is replaced inside them, a bare one as a bare word', () => {
  assert.equal(replaced('--lr_scheduler_type "sine"', 'sine', '"cosine"'), '--lr_scheduler_type "cosine"');
  assert.equal(replaced("--lr_scheduler_type 'sine'", 'sine', '"cosine"'), "--lr_scheduler_type 'cosine'");
  assert.equal(replaced('--lr_scheduler_type sine \\', 'sine', '"cosine"'), '--lr_scheduler_type cosine \\');
  assert.equal(replaced('--lr 3e-4', '3e-4', '2e-5'), '--lr 2e-5');
});

test('a span that crosses quotes of a joined word is not replaced (it would unbalance them)', () => {
  // Fuzz seed 7001 case 4,816: the value `}sine` of `}"sine"` spans `}"sine`, and `"cosine"` over it left a stray quote.
  assert.equal(replaced('--lr_scheduler_type }"sine"', '}"sine', '"cosine"'), undefined);
  assert.equal(replaced('--lr_scheduler_type "si"ne', 'si"ne', '"cosine"'), undefined);
});

test('a value that needs quoting is quoted for bash, and bash reads it back', { skip: !bashAvailable && 'bash absent' }, () => {
  const value = 'a b "c" $HOME `x` \\';
  assert.deepEqual(words(replaced('--name old', 'old', JSON.stringify(value))!), ['--name', value]);
  assert.deepEqual(words(replaced('--name "old"', 'old', JSON.stringify(value))!), ['--name', value]);
  // A whole quoted word (a quoted flag renamed) is written again in double quotes.
  assert.deepEqual(words(replaced('"--overlap_com" 1', '"--overlap_com"', '"--overlap_comm"')!), ['--overlap_comm', '1']);
  // Inside single quotes a quote cannot be written: no fix rather than a broken word.
  assert.equal(replaced("--name 'old'", 'old', JSON.stringify("it's")), undefined);
});
