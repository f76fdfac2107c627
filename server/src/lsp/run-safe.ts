import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';

let shutDown = false;

/** After `shutdown` the protocol says every request fails with InvalidRequest until `exit` (LSP 3.17, Shutdown Request). */
export function refuseRequestsFromNowOn(): void {
  shutDown = true;
}

/**
 * Runs a request handler so that a cancelled request answers "cancelled" (before and after the work, which
 * is synchronous once started) and a bug answers `fallback` and is logged, instead of taking the server down.
 */
export async function runSafe<T, E = void>(
  connection: Connection,
  token: CancellationToken,
  what: string,
  fallback: T,
  work: () => Promise<T> | T,
  cancelData?: E,
): Promise<T | ResponseError<E>> {
  const cancelled = () => new ResponseError<E>(LSPErrorCodes.RequestCancelled, `${what}: cancelled`, cancelData);
  if (shutDown) return new ResponseError<E>(ErrorCodes.InvalidRequest, `${what}: the server is shut down`);
  if (token.isCancellationRequested) return cancelled();
  try {
    const result = await work();
    return token.isCancellationRequested ? cancelled() : result;
  } catch (error) {
    connection.console.error(`${what} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return fallback;
  }
}
