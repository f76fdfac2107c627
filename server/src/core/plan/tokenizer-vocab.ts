import { resolveModel } from '../catalog/resolve-model';

/**
 * The vocabulary a tokenizer setting implies, when the config names a tokenizer rather than a size
 * (Megatron's --tokenizer-type/--tokenizer-model, NeMo's model.tokenizer).
 */
export function vocabOfTokenizer(type: string | undefined, model: string | undefined, vocabFile?: string): { size: number; source: string } | undefined {
  const file = vocabFile?.slice(vocabFile.lastIndexOf('/') + 1) ?? '';
  if (type === 'GPT2BPETokenizer' || (type === undefined && /^gpt2-vocab\.json$/i.test(file))) {
    // GPT-2's byte-level BPE: 50,257 tokens (Radford et al. 2019; HF gpt2 config.json vocab_size).
    return { size: 50257, source: 'GPT-2 BPE tokenizer: 50,257 tokens' };
  }
  for (const name of [type, model]) {
    if (!name) continue;
    const entry = resolveModel(name)?.entry;
    if (entry?.architecture.vocabSize) return { size: entry.architecture.vocabSize, source: `tokenizer of ${entry.id} (${entry.architecture.vocabSize} tokens, model catalog)` };
  }
  if ((type === undefined || /^BertWordPiece/.test(type)) && /^bert-[\w-]*-vocab\.txt$/i.test(file)) {
    // BERT's WordPiece vocabularies (Devlin et al. 2019; HF bert-base-uncased / bert-base-cased config.json vocab_size).
    const cased = /-cased-/i.test(file) || type === 'BertWordPieceCase';
    return cased ? { size: 28996, source: 'BERT cased WordPiece vocabulary: 28,996 tokens' } : { size: 30522, source: 'BERT uncased WordPiece vocabulary: 30,522 tokens' };
  }
  if (model && /llama[-_]?2?[^/]*tokenizer\.model$|llama_tokenizer\.model$/i.test(model)) {
    // The Llama and Llama 2 SentencePiece model has 32,000 pieces (Touvron et al. 2023; HF Llama-2 config.json).
    return { size: 32000, source: 'Llama SentencePiece tokenizer: 32,000 tokens' };
  }
  return undefined;
}
