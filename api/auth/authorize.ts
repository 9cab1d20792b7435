/**
 * Bearer-token checks for one request: 401 (with WWW-Authenticate: Bearer) when the
 * token is missing or unknown, 403 when it lacks the route's scope. Errors never
 * quote the presented token.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors.js';
import type { Scope } from './scopes.js';
import { hasScope } from './scopes.js';
import type { Principal, TokenStore } from './token-store.js';

const REALM = 'Bearer realm="idgraph"';
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The principal behind a request's Authorization header, if it holds `scope`; throws 401/403 otherwise. */
export async function authorize(headers: IncomingHttpHeaders, tokens: TokenStore, scope: Scope): Promise<Principal> {
  const header = headers.authorization;
  if (header === undefined || header === '') {
    throw new HttpError('UNAUTHORIZED', 'a bearer token is required', null, { 'WWW-Authenticate': REALM });
  }
  const match = BEARER.exec(header);
  const secret = match?.[1];
  if (secret === undefined) {
    throw new HttpError('UNAUTHORIZED', 'malformed Authorization header; expected "Bearer <token>"', null, {
      'WWW-Authenticate': `${REALM}, error="invalid_request"`,
    });
  }
  const principal = await tokens.authenticate(secret);
  if (!principal) {
    throw new HttpError('UNAUTHORIZED', 'invalid or revoked bearer token', null, {
      'WWW-Authenticate': `${REALM}, error="invalid_token"`,
    });
  }
  if (!hasScope(principal.scopes, scope)) {
    throw new HttpError(
      'FORBIDDEN',
      `this token lacks the "${scope}" scope`,
      { required: scope, granted: principal.scopes },
      { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"` },
    );
  }
  return principal;
}
