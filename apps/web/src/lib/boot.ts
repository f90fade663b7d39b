/**
 * The first screen's API calls, started by an inline script while the HTML is parsed instead
 * of after the JS has loaded and React has rendered (that wait was most of a first load: the
 * instance list's call left ~400 ms after navigation). `http()` takes an answer from here once,
 * for the same URL, instead of asking again.
 *
 * Which calls: the session check on every page; on every signed-in page what the frame shows
 * (instances and hosts, for the tree); per page what its first screen reads, keyed by path.
 * A call nobody takes costs one small request; a 401 or 403 is handled like any other answer.
 */
const SIGNED_IN = ['/api/v1/instances', '/api/v1/hosts'];
const BY_PAGE: Record<string, string[]> = {
  '/': ['/api/v1/tasks?limit=50', '/api/v1/metrics/top'],
  '/instances/': ['/api/v1/tasks?limit=50'],
};
const PUBLIC = ['/login/', '/share/'];

/** An answer older than this is not used: the page asks again rather than show stale data. */
const FRESH_MS = 10_000;

declare global {
  interface Window {
    __berthBoot?: Record<string, Promise<Response>>;
  }
}

/**
 * Runs in the page's <head> (its hash is allowed by the API's CSP like any inline script):
 * plain ES5, nothing imported. A rejected call is marked handled here; `http()` still sees it.
 */
export const bootScript = `try{(function(){var p=location.pathname;if(p.slice(-1)!=='/')p+='/';var u=['/api/v1/auth/me'];if(${JSON.stringify(PUBLIC)}.indexOf(p)<0)u=u.concat(${JSON.stringify(SIGNED_IN)},(${JSON.stringify(BY_PAGE)})[p]||[]);var b={};u.forEach(function(x){var r=fetch(x,{credentials:'same-origin',headers:{accept:'application/json'}});r.catch(function(){});b[x]=r});window.__berthBoot=b})()}catch(e){}`;

/** The answer the boot script already asked for at this URL, once, while it is fresh. */
export function takeBoot(url: string): Promise<Response> | undefined {
  if (typeof window === 'undefined' || !window.__berthBoot) return undefined;
  const answer = window.__berthBoot[url];
  delete window.__berthBoot[url];
  return performance.now() < FRESH_MS ? answer : undefined;
}

/** A new session (login, logout) must not be answered with what the last one was sent. */
export function forgetBoot(): void {
  if (typeof window !== 'undefined') delete window.__berthBoot;
}
