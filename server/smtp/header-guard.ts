import { BridgeError } from '../errors.ts';

/**
 * Header injection guard: a CR or LF would start a new header field (or the
 * body) and NUL is never allowed in a message, so any of them in any field
 * the person wrote refuses the whole message before anything is composed.
 */
const FORBIDDEN = /[\r\n\0]/;

export function assertHeaderSafe(field: string, value: string | readonly string[] | undefined): void {
  const values = value === undefined ? [] : typeof value === 'string' ? [value] : value;
  if (values.some((v) => FORBIDDEN.test(v))) throw new BridgeError('INVALID_HEADER', { field });
}
