import { existsSync } from 'node:fs';
import { analyze, findLinks, linksThrough, mergeSettings, settingsForPath, type ConfigLink, type FileAnalysis, type LinkedFile, type Settings } from '../core/index';
import type { ShellParser } from '../core/shell/syntax';
import { findProjectConfig, findPins, MAX_LINKED_BYTES, readCheckedFile, readText, relativeTo } from './files';
import { locateLink } from '../node/program-files';

/** A file analysed the way `trainlint check` would: project settings, flags, and the files it links to. */
export interface FileInContext {
  path: string;
  analysis: FileAnalysis;
  settings: Settings;
  linked: LinkedFile[];
}

/** The workspace's pinned versions, then the project file (which overrides them). */
export function projectSettingsFor(path: string): Settings {
  const project = findProjectConfig(path);
  return mergeSettings(findPins(path), project ? settingsForPath(project.config, relativeTo(project.dir, path)) : {});
}

/** Where a link's target is (locateLink): the path the run opens. */
export function linkTargetPath(path: string, link: ConfigLink, checkedFolder?: string, analysis?: FileAnalysis): string {
  return locateLink(path, link.target, analysis, checkedFolder).path;
}

/** Reads and analyses each file the analysed one names, in the context the link gives it. */
export function resolveLinks(path: string, analysis: FileAnalysis, flags: Settings, shellParser?: ShellParser, checkedFolder?: string): LinkedFile[] {
  const resolveOne = (link: ConfigLink): LinkedFile => {
    const { path: target, lookedIn, outsideWorkspace: outside, resolvedFrom } = locateLink(path, link.target, analysis, checkedFolder);
    if (!existsSync(target)) return { link, path: target, ...(lookedIn ? { lookedIn } : {}), ...(outside ? { outsideWorkspace: true } : {}) };
    // Only a regular file under the analysis limit is opened: a link to a folder, a named pipe or /dev/zero is named, not read.
    const read = readCheckedFile(target, MAX_LINKED_BYTES);
    if ('notRead' in read) return { link, path: target, notRead: read.notRead };
    const settings = mergeSettings(projectSettingsFor(target), link.context, flags);
    return { link, path: target, ...(resolvedFrom ? { resolvedFrom } : {}), analysis: analyze(read.text, { path: target, settings, shellParser }) };
  };
  const direct = findLinks(analysis).map(resolveOne).filter((l) => l.analysis || !l.link.optional);
  // A script's accelerate config leads on to its DeepSpeed config; a missing one is reported in the accelerate config itself.
  const through = direct.flatMap((via) => linksThrough(analysis, via).map(resolveOne)).filter((l) => l.analysis);
  return [...direct, ...through];
}

export function analyzeInContext(path: string, flags: Settings, shellParser?: ShellParser): FileInContext {
  return analyzeTextInContext(path, readText(path), flags, shellParser);
}

/** A text (the file's, or its version at another revision) analysed as the file at `path`, with what it links to now. */
export function analyzeTextInContext(path: string, text: string, flags: Settings, shellParser?: ShellParser): FileInContext {
  const settings = mergeSettings(projectSettingsFor(path), flags);
  const first = analyze(text, { path, settings, shellParser });
  const linked = resolveLinks(path, first, flags, shellParser);
  const analysis = linked.length > 0 ? analyze(text, { path, settings, shellParser, linked }) : first;
  return { path, analysis, settings, linked };
}
