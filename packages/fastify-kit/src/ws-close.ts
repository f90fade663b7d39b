import { statusOf } from './http-error.js';

/**
 * WebSocket close codes for refusals: 4000 + the HTTP status the same error would get (4404,
 * 4409…; 4429 for a console past its caps: "too many consoles: 20 open for you; close one").
 */
export const closeCodeOf = (err: unknown): number => 4000 + statusOf(err);

/** A close reason must fit in 123 bytes of UTF-8. */
export function closeReason(message: string): string {
  if (Buffer.byteLength(message) <= 123) return message;
  let reason = message;
  while (Buffer.byteLength(reason) > 120) reason = reason.slice(0, -1);
  return `${reason}…`;
}

/** Ends a WebSocket with the error's status and words, where a plain request would get a 4xx body. */
export function closeWithError(
  ws: { close(code: number, reason: string): void },
  err: unknown,
): void {
  ws.close(closeCodeOf(err), closeReason(err instanceof Error ? err.message : String(err)));
}
