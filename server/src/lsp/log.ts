import { basename } from 'node:path';
import type { FileAnalysis, LinkedFile } from '../core/index';
import { formatName } from '../core/hover/file-summary';
import type { EditorSettings } from './settings';

/** What the server writes to the client's output channel (window/logMessage), as sentences a user reads. */

export function startMessage(version: string): string {
  return `TrainLint server ${version} on Node ${process.version}`;
}

/** The dotted names of the settings a value sets: { cluster: { gpu } } gives cluster.gpu. */
function settingNames(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value === undefined ? [] : [prefix];
  return Object.entries(value).flatMap(([key, v]) => settingNames(v, prefix ? `${prefix}.${key}` : key));
}

/** Where a document's settings come from: the VS Code settings it sets, the project file, defaults for the rest. */
export function settingsSourcesMessage(path: string, editor: EditorSettings, projectFile: string | undefined): string {
  const { versionSources: _sources, ...analysis } = editor.analysis;
  const set = [...settingNames(analysis), ...(editor.include.length > 0 ? ['files.include'] : []), ...(editor.exclude.length > 0 ? ['files.exclude'] : [])].map((n) => `trainlint.${n}`);
  const parts = [
    set.length > 0 ? `VS Code settings (${set.join(', ')})` : 'no VS Code settings',
    projectFile ? `project file ${projectFile}` : 'no .trainlint.yaml',
    'defaults for the rest',
  ];
  return `settings for ${basename(path)}: ${parts.join('; ')}`;
}

/** One analysed document: the program detected, the files it links to, and the time it took. */
export function analysedMessage(name: string, analysis: FileAnalysis, linked: LinkedFile[], ms: number): string {
  const program = analysis.format === 'unknown' ? `not a training config (${analysis.detection.reason})` : `program ${analysis.format} (${formatName(analysis.format)}; detected from ${analysis.detection.reason})`;
  const links = linked.length > 0 ? linked.map((l) => `${basename(l.path)}${l.analysis ? '' : l.notRead ? ' (not read)' : ' (not found)'}`).join(', ') : 'none';
  return `analysed ${basename(name)} in ${ms.toFixed(0)} ms: ${program}; linked files: ${links}`;
}
