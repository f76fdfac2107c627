import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file-system path of a `file:` URI; other schemes (untitled:, vscode-notebook-cell:) have none. */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function uriOfPath(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * A name for the core to guess the language and format from: the path of a file, or the last segment
 * of another URI (an untitled "ds_config.json" still reads as JSON).
 */
export function nameHintOf(uri: string): string {
  return pathOfUri(uri) ?? decodeURIComponent(uri.replace(/[?#].*$/, '').split('/').pop() ?? '');
}

/** A key for maps of files: Windows paths compare without case (VS Code writes `c:`, Node `C:`). */
export function pathKey(path: string): string {
  return process.platform === 'win32' ? path.toLowerCase() : path;
}
