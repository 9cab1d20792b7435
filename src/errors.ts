/**
 * The error hierarchy, kept tiny on purpose: one class with a stable `code`
 * that tests, the CLI (exit codes) and the API (error bodies) key on.
 */

/** Stable error codes. Add one here when a new failure needs its own handling. */
export type ErrorCode =
  | 'BAD_INPUT' // a record, file or argument the user gave is malformed
  | 'UNKNOWN_TABLE' // no table could be determined for a record or file
  | 'NOT_FOUND' // a named detector, chain, entity or job does not exist
  | 'INVALID_DETECTOR' // a detector file fails validation
  | 'UNSUPPORTED_CONSTRUCT' // an engine cannot honour a construct of a pattern
  | 'STORE' // the embedded or Neo4j store failed
  | 'CONFLICT'; // a state change is not allowed now

/** An error idgraph raises on purpose, with a code and optional structured details. */
export class IdgraphError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdgraphError';
    this.code = code;
    this.details = details;
  }
}

/** Whether a value is an IdgraphError with the given code (any code when omitted). */
export function isIdgraphError(err: unknown, code?: ErrorCode): err is IdgraphError {
  return err instanceof IdgraphError && (code === undefined || err.code === code);
}
