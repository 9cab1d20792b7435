/**
 * Request body parsers with limits. JSON bodies default to 1 MiB; raw bodies (NDJSON or
 * JSON arrays for ingest) to 50 MiB, measured after decompression, so a small gzip bomb
 * still stops at the limit. Content-Encoding gzip and deflate are accepted on both.
 * Over-limit bodies fail with 413 in the API's error shape (see api/errors.ts).
 */
import express from 'express';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

export interface BodyLimits {
  /** Largest JSON body, bytes. */
  readonly jsonBodyBytes: number;
  /** Largest raw (NDJSON, ingest) body after decompression, bytes. */
  readonly rawBodyBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { jsonBodyBytes: 1024 * 1024, rawBodyBytes: 50 * 1024 * 1024 };

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Whether the request carries a body at all (Content-Length > 0 or chunked). */
function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Parses a JSON body up to `limitBytes`; a body of another media type is 415. */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, type: JSON_TYPES, strict: false, inflate: true });
  return (req, res, next) => {
    if (hasBody(req) && !req.is(JSON_TYPES)) {
      next(new HttpError('UNSUPPORTED_MEDIA_TYPE', 'expected Content-Type: application/json', null));
      return;
    }
    parse(req, res, next);
  };
}

/** Reads any body as a Buffer up to `limitBytes` after decompression (gzip/deflate via Content-Encoding). */
export function rawBody(limitBytes: number): RequestHandler {
  const parse = express.raw({ limit: limitBytes, type: () => true, inflate: true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      // express.raw leaves req.body undefined for bodiless requests; handlers always get a Buffer.
      if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
      next();
    });
  };
}

