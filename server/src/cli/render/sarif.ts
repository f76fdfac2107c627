import type { CheckedFile } from '../check-result';
import { docsUrl, ruleMetas } from '../../core/index';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function toUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0 with rule metadata, regions in UTF-16 columns (1-based) and the safe fixes. */
export function renderSarif(files: CheckedFile[], version: string): string {
  const rules = ruleMetas();
  const ruleIndex = new Map(rules.map((r, i) => [r.name, i]));
  const results = files.flatMap((file) =>
    file.analysis.diagnostics.map((d) => {
      const region = (range: { start: number; end: number }) => {
        const s = file.lines.positionAt(range.start);
        const e = file.lines.positionAt(range.end);
        return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
      };
      const uri = toUri(file.path);
      const safeFixes = d.fixes.filter((f) => f.safe);
      return {
        ruleId: d.rule,
        ruleIndex: ruleIndex.get(d.rule),
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: { uri }, region: region(d.range) } }],
        ...(d.related.length > 0
          ? { relatedLocations: d.related.filter((r) => !r.path).map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: { uri }, region: region(r.range) } })) }
          : {}),
        ...(safeFixes.length > 0
          ? {
              fixes: safeFixes.map((f) => ({
                description: { text: f.title },
                artifactChanges: [{ artifactLocation: { uri }, replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
              })),
            }
          : {}),
      };
    }),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trainlint',
            version,
            informationUri: 'https://github.com/trainlint/trainlint',
            rules: rules.map((r) => ({
              id: r.name,
              name: r.name,
              shortDescription: { text: r.summary },
              fullDescription: { text: r.why },
              helpUri: docsUrl(r.name),
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { code: r.code },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        artifacts: files.map((f) => ({ location: { uri: toUri(f.path) }, sourceLanguage: f.analysis.tree.language })),
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
