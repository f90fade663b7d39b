/**
 * Whether a WebSocket's Origin may open a console. Browsers always send Origin on WebSockets
 * and cookies ride along, so a page elsewhere must not be able to use a user's console; a
 * client without an Origin is not a browser and has only its ticket to show.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
