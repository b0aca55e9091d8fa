// The one request guard: every request handler runs inside it. It refuses requests before
// `initialize`, checks the parameters' shape (params.ts), and is the only place where errors
// become LSP errors: domain errors by their meaning, anything else as RequestFailed for that
// request alone (logged with its stack; the server keeps running).
import { type CancellationToken, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { NoSuchMap } from '../analysis';
import { Cancelled, DocumentGone, RequestError } from './errors';

interface GuardHost {
  /** True once `initialize` has been answered. */
  initialized(): boolean;
  error(message: string): void;
}

type Guarded<R> = (raw: unknown, token: CancellationToken) => Promise<R | ResponseError<void>>;

const describe = (e: unknown): string => (e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack}` : ''}` : String(e));

/** The LSP error for an exception thrown while answering `name`. */
function toResponseError(name: string, e: unknown, host: GuardHost): ResponseError<void> {
  if (e instanceof ResponseError) return e;
  if (e instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
  if (e instanceof RequestError || e instanceof NoSuchMap) return new ResponseError(ErrorCodes.InvalidParams, e.message);
  if (e instanceof DocumentGone) return new ResponseError(LSPErrorCodes.ContentModified, e.message);
  host.error(`${name} failed: ${describe(e)}`);
  return new ResponseError(LSPErrorCodes.RequestFailed, `EPT Lens: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
}

export function createGuard(host: GuardHost) {
  return function guard<P, R>(name: string, check: (raw: unknown) => P, fn: (params: P, token: CancellationToken) => Promise<R> | R): Guarded<R> {
    return async (raw, token) => {
      if (!host.initialized()) return new ResponseError(ErrorCodes.ServerNotInitialized, `EPT Lens: ${name} before initialize`);
      try {
        const result = await fn(check(raw), token);
        if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
        return result;
      } catch (e) {
        return toResponseError(name, e, host);
      }
    };
  };
}

export { describe as errorText };
