/**
 * Policy: a promise nobody awaited that fails is a bug to log, not a reason to stop serving every
 * other request (a full disk once made background writes fail this way and took the API down).
 * Node's default for an unhandled rejection is to end the process; a listener replaces it.
 */
export function logUnhandledRejections(log: { error(obj: object, msg: string): void }): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled rejection (kept serving)');
  });
}
