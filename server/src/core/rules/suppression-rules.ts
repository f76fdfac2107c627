import type { Rule } from './rule';

// Both are reported by the engine after every other rule has run (suppress/suppress.ts): only then is it known whether a
// suppression comment silenced anything. Suppression comments do not silence these two; `.trainlint.yaml` `rules:` does.

export const unusedSuppression: Rule = {
  meta: {
    code: 'TL006',
    name: 'unused-suppression',
    severity: 'info',
    summary: 'A `# trainlint: disable...` comment names a rule that reports nothing where the comment applies.',
    why: 'A suppression left behind after the config was fixed, or placed on the wrong line, would silently hide the next real finding of that rule there.',
    fix: 'Removing the comment, or the rule\'s name from its list, is offered; it is not applied in bulk, since a finding that needs a linked file or a git baseline may be absent from one analysis and present in another.',
    example: { language: 'yaml', text: 'learning_rate: 2.0e-5  # trainlint: disable=yaml-float-as-string\nper_device_train_batch_size: 4\noutput_dir: out\nnum_train_epochs: 3\n' },
    references: [],
  },
  check() {},
};

export const unknownSuppressedRule: Rule = {
  meta: {
    code: 'TL007',
    name: 'unknown-suppressed-rule',
    severity: 'warning',
    summary: 'A `# trainlint: disable...` comment names no TrainLint rule (by name or code) and silences nothing.',
    why: 'A misspelt rule name in a suppression comment silences nothing, so the finding the author meant to hide is still reported, or a later one is not hidden as they believe.',
    fix: 'Where one rule name is clearly meant, replacing the name with it is offered.',
    example: { language: 'yaml', text: 'learning_rate: 2.0e-5  # trainlint: disable=unknown-kye\nper_device_train_batch_size: 4\noutput_dir: out\nnum_train_epochs: 3\n' },
    references: [],
  },
  check() {},
};
