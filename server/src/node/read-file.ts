import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';

/** A file's text, or why it was not read (in words that follow "not read: "). */
export type ReadOutcome = { text: string } | { notRead: string; severity?: 'warning' };

/** Python reads configs as UTF-8; a UTF-16 byte order mark makes every program that opens one fail. */
const UTF16_BOMS = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/**
 * Reads a file as UTF-8 text only when it is a regular file no larger than `maxBytes`: a FIFO, a device (`/dev/zero`), a
 * directory, a socket, a dangling link or a link loop is never read, and an unreadable file says why instead of throwing.
 * The file is opened without blocking (a FIFO's open would wait for a writer) and judged by the opened descriptor, so a
 * file swapped after a check is judged as it is read.
 */
export function readRegularFile(path: string, maxBytes: number): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { notRead: openFailure(path, error) };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { notRead: `it is ${kindOf(stat)}, not a file` };
    if (stat.size > maxBytes) return { notRead: `it is ${megabytes(stat.size)}, over the ${megabytes(maxBytes)} limit` };
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const content = bytes.subarray(0, read);
    if (UTF16_BOMS.some((bom) => content.subarray(0, 2).equals(bom))) {
      return { notRead: 'it is encoded in UTF-16; the programs that read training configs open them as UTF-8 and fail (UnicodeDecodeError). Save it as UTF-8', severity: 'warning' };
    }
    return { text: content.toString('utf8') };
  } catch (error) {
    return { notRead: openFailure(path, error) };
  } finally {
    closeSync(fd);
  }
}

function openFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && isSymlink(path)) return `it is a symbolic link to ${safeReadlink(path)}, which does not exist`;
  if (code === 'ELOOP') return 'it is a symbolic link that leads back to itself (a loop)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'ENOENT') return 'it does not exist';
  return `it could not be read (${code ?? String(error)})`;
}

export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return 'a missing file';
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
