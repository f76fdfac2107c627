import type { RuleMeta } from './rule-meta';

const SEVERITY_WORD = { error: 'error', warning: 'warning', info: 'info' } as const;

/** The docs page of a rule, generated from its metadata (docs/rules/<name>.md). */
export function ruleDoc(meta: RuleMeta): string {
  const lines = [
    `# ${meta.name} (${meta.code})`,
    '',
    `Default severity: ${SEVERITY_WORD[meta.severity]}.`,
    '',
    '## What it flags',
    '',
    meta.summary,
    '',
    '## Why it matters',
    '',
    meta.why,
  ];
  if (meta.finding) lines.push('', '## What the literature says', '', meta.finding);
  if (meta.appliesWhen) lines.push('', '## When it applies', '', meta.appliesWhen);
  lines.push(
    '',
    '## Fixes',
    '',
    meta.fix,
  );
  if (meta.example) {
    lines.push('', '## Example', '', '```' + meta.example.language, meta.example.text.replace(/\n$/, ''), '```');
    if (meta.example.settings) lines.push('', `With these settings (\`.trainlint.yaml\` or flags): \`${JSON.stringify(meta.example.settings)}\``);
  }
  lines.push(
    '',
    '## Configuration',
    '',
    'Turn it off or change its severity in `.trainlint.yaml`:',
    '',
    '```yaml',
    'rules:',
    `  ${meta.name}: off   # or error, warning, info`,
    '```',
  );
  if (meta.references.length > 0) {
    lines.push('', '## References', '', ...meta.references.map((r) => `- ${r}`));
  }
  return lines.join('\n') + '\n';
}

/** The index page listing every rule. */
export function rulesIndex(metas: RuleMeta[]): string {
  const rows = metas.map((m) => `| [${m.name}](${m.name}.md) | ${m.code} | ${m.severity} | ${m.summary.replace(/\|/g, '\\|')} |`);
  return ['# Rules', '', '| rule | code | default | what it flags |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}
