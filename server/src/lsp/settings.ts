import type { Connection } from 'vscode-languageserver';
import type { Settings } from '../core/index';
import { isVersionedFramework, parseVersionSpec } from '../core/versions/version-spec';

/**
 * The `trainlint` section of the editor settings, as schemas/trainlint-settings.schema.json defines it.
 * Values arrive from the client untyped; anything of the wrong type counts as unset, so a bad
 * setting falls back to the project file instead of breaking the analysis.
 */
export interface EditorSettings {
  /** What the core takes: only the fields the user set, so the project file shows through the rest. */
  analysis: Settings;
  include: string[];
  exclude: string[];
}

const RULE_SETTINGS: readonly string[] = ['error', 'warning', 'info', 'off'];
const CONVENTIONS: readonly string[] = ['palm', 'megatron', 'narayanan'];

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function globs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

export function readEditorSettings(raw: unknown): EditorSettings {
  const section = record(raw);
  const cluster = record(section.cluster);
  const files = record(section.files);
  const analysis: Settings = {};
  const nodes = positiveInt(cluster.nodes);
  const gpusPerNode = positiveInt(cluster.gpusPerNode);
  const gpu = text(cluster.gpu);
  if (nodes !== undefined || gpusPerNode !== undefined || gpu !== undefined) analysis.cluster = { nodes, gpusPerNode, gpu };
  const model = text(section.model);
  if (model !== undefined) analysis.model = model;
  if (typeof section.pricePerGpuHour === 'number' && section.pricePerGpuHour >= 0) analysis.pricePerGpuHour = section.pricePerGpuHour;
  if (typeof section.flopsConvention === 'string' && CONVENTIONS.includes(section.flopsConvention)) {
    analysis.flopsConvention = section.flopsConvention as Settings['flopsConvention'];
  }
  // trainlint.versions.*: each a version or a range; anything else counts as unset.
  const versions = Object.entries(record(section.versions)).filter(([name, v]) => isVersionedFramework(name) && typeof v === 'string' && parseVersionSpec(v.trim()) !== undefined);
  if (versions.length > 0) {
    analysis.versions = Object.fromEntries(versions.map(([name, v]) => [name, (v as string).trim()]));
    analysis.versionSources = Object.fromEntries(versions.map(([name]) => [name, `trainlint.versions.${name} in the editor settings`]));
  }
  const rules = Object.entries(record(section.rules)).filter(([, v]) => typeof v === 'string' && RULE_SETTINGS.includes(v));
  if (rules.length > 0) analysis.rules = Object.fromEntries(rules) as NonNullable<Settings['rules']>;
  return { analysis, include: globs(files.include), exclude: globs(files.exclude) };
}

/**
 * Editor settings per document, pulled with workspace/configuration for the document's URI (settings
 * are per folder and per language, never global) and cached until the client says they changed.
 * Clients that cannot be asked get what they sent at initialization or in didChangeConfiguration.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<EditorSettings>>();
  private pushed: EditorSettings;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
    initializationOptions: unknown,
  ) {
    this.pushed = readEditorSettings(record(record(initializationOptions).settings));
  }

  forUri(uri: string): Promise<EditorSettings> {
    if (!this.canPull) return Promise.resolve(this.pushed);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'trainlint' }).then(readEditorSettings, (error: unknown) => {
        this.connection.console.warn(`could not read settings for ${uri}: ${String(error)}`);
        this.cache.delete(uri); // Ask again next time rather than keep the failure.
        return this.pushed;
      });
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /** didChangeConfiguration: pull clients send a bare signal, push clients the new `trainlint` section. */
  changed(sent: unknown): void {
    this.cache.clear();
    const section = record(sent).trainlint;
    if (section !== undefined) this.pushed = readEditorSettings(section);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
