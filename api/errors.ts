/**
 * The API's one error shape, `{ "error": { "code", "message", "details" } }`, and the
 * mapping from every failure (zod issues, IdgraphError codes, body-parser failures,
 * unknown errors) onto it. Clients never see stack traces or raw bodies.
 */
import { z } from 'zod';
import type { ErrorCode } from '../src/errors.js';
import { IdgraphError } from '../src/errors.js';

/** Codes only the HTTP layer raises, beside the domain codes of src/errors.ts. */
export const HTTP_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];
export type ApiErrorCode = ErrorCode | HttpErrorCode;

/** HTTP status of each domain code; a Record so a new ErrorCode cannot go unmapped. */
export const STATUS_OF_CODE: Readonly<Record<ApiErrorCode, number>> = {
  BAD_INPUT: 400,
  UNKNOWN_TABLE: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_DETECTOR: 422,
  UNSUPPORTED_CONSTRUCT: 422,
  STORE: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
};

/** One problem with a request field: where (location first, then the zod path) and what. */
export const IssueDetail = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type IssueDetail = z.infer<typeof IssueDetail>;

/** The body of every error response. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(STATUS_OF_CODE) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string(),
      details: z.unknown().meta({
        description:
          'Structured details or null. For invalid requests: an array of { path, message }, path starting with params, query or body.',
      }),
    }),
  })
  .meta({ id: 'ErrorBody', description: 'The one error shape of the API.' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** An error raised by the HTTP layer itself (auth, limits, media types). */
export class HttpError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Extra response headers, e.g. WWW-Authenticate on 401/403. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ApiErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = STATUS_OF_CODE[code];
    this.details = details;
    this.headers = headers;
  }
}

/** Turns zod issues of one request location into a 400 with `[{ path, message }]` details. */
export function validationError(location: 'params' | 'query' | 'body', error: z.ZodError): HttpError {
  const details: IssueDetail[] = error.issues.map((issue) => ({
    path: [location, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
  }));
  return new HttpError('BAD_INPUT', `invalid request ${location}`, details);
}

/** What to send for an error, and whether it was unexpected (log it with its stack). */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  unexpected: boolean;
}

/** The error body of a failure from body-parser (express.json / express.raw), or undefined if it is not one. */
function bodyParserError(err: unknown): HttpError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err) || typeof err.type !== 'string') return undefined;
  const e = err as { type: string; limit?: number; status?: number; statusCode?: number };
  switch (e.type) {
    case 'entity.too.large':
      return new HttpError('PAYLOAD_TOO_LARGE', 'request body too large', { limitBytes: e.limit ?? null });
    // The parser's own message quotes the body; a body may hold secrets, so it is not echoed.
    case 'entity.parse.failed':
      return new HttpError('BAD_INPUT', 'malformed JSON body', null);
    case 'encoding.unsupported':
      return new HttpError('UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Encoding (identity, gzip or deflate)', null);
    case 'charset.unsupported':
      return new HttpError('UNSUPPORTED_MEDIA_TYPE', 'unsupported charset', null);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new HttpError('BAD_INPUT', 'request body could not be read', null);
    default: {
      const status = e.status ?? e.statusCode;
      if (status !== undefined && status >= 400 && status < 500) return new HttpError('BAD_INPUT', 'bad request body', null);
      return undefined;
    }
  }
}

/** Maps any thrown value onto the error shape. Unknown errors become a bare 500. */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  const known = err instanceof HttpError ? err : bodyParserError(err);
  if (known) {
    return {
      status: known.status,
      body: { error: { code: known.code, message: known.message, details: known.details ?? null } },
      headers: { ...known.headers },
      unexpected: false,
    };
  }
  if (err instanceof IdgraphError) {
    return {
      status: STATUS_OF_CODE[err.code],
      body: { error: { code: err.code, message: err.message, details: err.details ?? null } },
      headers: {},
      unexpected: err.code === 'STORE',
    };
  }
  // Anything else, a zod error escaping a handler included, is our bug, not the client's request.
  return internalError(requestId);
}

function internalError(requestId: string): ErrorResponse {
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error', details: { requestId } } },
    headers: {},
    unexpected: true,
  };
}
