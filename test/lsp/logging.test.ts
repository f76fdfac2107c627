import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, LspSession, ROOT, vscodeLikeCapabilities, waitFor } from './lsp-session';

const LINKED = join(FIXTURES, 'linked');
const packageVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The TrainLint output channel: window/logMessage notifications the server sends. */
describe('output channel logging', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: vscodeLikeCapabilities({ pull: false }), folders: [LINKED], configuration: () => ({ cluster: { gpu: 'h100-sxm' } }) });
  });
  after(() => session.stop());

  const logged = (pattern: RegExp) => waitFor(`a log line matching ${pattern}`, () => session.logs.find((l) => pattern.test(l.message))?.message);

  it('says on start which server version (package.json) runs on which Node', async () => {
    const line = await logged(/^TrainLint server /);
    assert.equal(line, `TrainLint server ${packageVersion} on Node ${process.version}`);
  });

  it('says, per analysed document, the program detected, the files it links and the time taken', async () => {
    const uri = await session.open(join(LINKED, 'train.yaml'));
    await session.pushedFor(uri);
    const line = await logged(/^analysed train\.yaml/);
    assert.match(line, /^analysed train\.yaml in \d+ ms: program hf-trainer \(TrainingArguments; detected from .+\); linked files: ds_zero2\.json$/);
  });

  it('says, when the settings change, where each open document\'s settings come from', async () => {
    await session.setConfiguration(() => ({ cluster: { gpu: 'a100-80gb' }, model: 'meta-llama/Llama-3.1-8B' }));
    const line = await logged(/^settings for train\.yaml/);
    assert.equal(line, `settings for train.yaml: VS Code settings (trainlint.cluster.gpu, trainlint.model); project file ${join(LINKED, '.trainlint.yaml')}; defaults for the rest`);
  });
});
