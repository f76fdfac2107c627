import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyze, findLinks, linksThrough, mergeSettings, settingsForPath, type ConfigLink, type FileAnalysis, type LinkedFile, type Settings } from '../core/index';
import type { ShellParser } from '../core/shell/syntax';
import { findProjectConfig, findPins, readText, relativeTo } from './files';
import { repositoryRoot, resolveFromScript } from '../node/program-files';

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

/**
 * Where a link's target is: relative to the linking file's folder; a config a script hands to its program is relative to
 * where the script is run, its folder or the repository root, whichever holds it.
 */
export function linkTargetPath(path: string, link: ConfigLink, checkedFolder?: string): string {
  const besides = resolve(dirname(path), link.target);
  if (link.kind !== 'program-config') return besides;
  return resolveFromScript(path, link.target, repositoryRoot(path, checkedFolder), checkedFolder && resolve(checkedFolder)) ?? besides;
}

/** Reads and analyses each file the analysed one names, in the context the link gives it. */
export function resolveLinks(path: string, analysis: FileAnalysis, flags: Settings, shellParser?: ShellParser, checkedFolder?: string): LinkedFile[] {
  const resolveOne = (link: ConfigLink): LinkedFile => {
    const target = linkTargetPath(path, link, checkedFolder);
    if (!existsSync(target)) return { link, path: target };
    const settings = mergeSettings(projectSettingsFor(target), link.context, flags);
    return { link, path: target, analysis: analyze(readText(target), { path: target, settings, shellParser }) };
  };
  const direct = findLinks(analysis).map(resolveOne).filter((l) => l.analysis || !l.link.optional);
  // A script's accelerate config leads on to its DeepSpeed config; a missing one is reported in the accelerate config itself.
  const through = direct.flatMap((via) => linksThrough(analysis, via).map(resolveOne)).filter((l) => l.analysis);
  return [...direct, ...through];
}

export function analyzeInContext(path: string, flags: Settings, shellParser?: ShellParser): FileInContext {
  const settings = mergeSettings(projectSettingsFor(path), flags);
  const text = readText(path);
  const first = analyze(text, { path, settings, shellParser });
  const linked = resolveLinks(path, first, flags, shellParser);
  const analysis = linked.length > 0 ? analyze(text, { path, settings, shellParser, linked }) : first;
  return { path, analysis, settings, linked };
}
