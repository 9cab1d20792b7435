/** The scopes a bearer token can hold. `admin` implies every other scope. */
import { z } from 'zod';

export const SCOPES = ['read', 'ingest', 'admin'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

/** Whether a holder of `granted` may use something that needs `required`. */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
