import { createHmac, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '@berth/contracts';
import { SESSION_COOKIE, routeOf } from './auth.js';

/** Readable by the web UI's scripts (not HttpOnly): they copy it into the header below. */
export const CSRF_COOKIE = 'berth_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SESSION_SET = new RegExp(`^${SESSION_COOKIE}=([^;]*)`);

/**
 * The CSRF token of a login session: an HMAC keyed by the session's own secret (the HttpOnly
 * cookie no script can read). A page on a sibling subdomain can plant a berth_csrf cookie, but
 * not one that matches the victim's session; and nothing needs storing, so it survives restarts.
 */
export const csrfToken = (sessionSecret: string): string =>
  createHmac('sha256', sessionSecret).update('berth csrf token v1').digest('base64url');

const refuse = (message: string) => new AppError(ErrorCode.csrf, message);

/**
 * The origin this request was addressed to, as a browser on it writes its Origin (URL drops a
 * default port, as browsers do); null for a Host header that is no host.
 */
function ownOrigin(req: FastifyRequest): string | null {
  try {
    return new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return null;
  }
}

/**
 * Whether a browser says the request comes from a page of this very origin: the Origin header
 * when sent (browsers send it on every POST, PUT, PATCH and DELETE), else Sec-Fetch-Site.
 * undefined when neither is there: then it was not a browser that sent it.
 */
function fromOwnOrigin(req: FastifyRequest): boolean | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin.toLowerCase() === ownOrigin(req)?.toLowerCase();
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  return undefined;
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value a Set-Cookie list gives the session cookie: a new secret, '' when cleared. */
function sessionCookieSet(header: ReturnType<FastifyReply['getHeader']>): string | undefined {
  for (const line of [header ?? []].flat()) {
    const m = SESSION_SET.exec(String(line));
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Cross-site request forgery (issue 11, finding 3). A change made with the session cookie must
 * come from a page of this origin and carry the session's CSRF token in a header, which only
 * this origin's scripts can read from their cookie. API tokens are sent deliberately by their
 * holder, never attached by a browser, so bearer requests are left alone. A change without a
 * login (logging in above all) gets the origin check only, so no other site can log a browser
 * into an account of its choosing.
 */
export const csrfPlugin = fp(async (app: FastifyInstance, opts: { secureCookies: boolean }) => {
  // After the auth hook (registration order): it tells whether the session cookie authenticated.
  app.addHook('onRequest', async (req) => {
    if (!MUTATING.has(req.method) || !routeOf(req).startsWith('/api/')) return;
    if (req.principal?.via === 'token') return;
    if (!req.principal) {
      // A client that is no browser (curl, scripts) sends neither header, and cannot be forged.
      if (fromOwnOrigin(req) === false)
        throw refuse(
          `cross-site request refused: logins and other changes come from pages of ${ownOrigin(req)} only`,
        );
      return;
    }
    const own = fromOwnOrigin(req);
    if (own !== true)
      throw refuse(
        own === false
          ? `cross-site request refused: changes with a login cookie come from pages of ${ownOrigin(req)} only`
          : `a change with a login cookie must say where it comes from (Origin: ${ownOrigin(req)})`,
      );
    const sent = req.headers[CSRF_HEADER];
    const secret = req.cookies[SESSION_COOKIE] as string;
    if (typeof sent !== 'string' || !sameToken(sent, csrfToken(secret)))
      throw refuse(
        `CSRF token missing or wrong: a change with a login cookie needs the ${CSRF_HEADER} header set to the ${CSRF_COOKIE} cookie`,
      );
  });

  // The token travels beside the session cookie: handed out with a new session, again whenever
  // a logged-in browser lacks it (a session older than this check, a cleared cookie), and cleared
  // with the session. onSend, after the cookie plugin has written the session's own Set-Cookie.
  app.addHook('onSend', async (req, reply, payload) => {
    const issued = sessionCookieSet(reply.getHeader('set-cookie'));
    const secret =
      issued ??
      (req.principal?.via === 'session' ? (req.cookies[SESSION_COOKIE] as string) : undefined);
    if (secret === undefined) return payload;
    const token = secret === '' ? '' : csrfToken(secret);
    if (req.cookies[CSRF_COOKIE] === token || (token === '' && !req.cookies[CSRF_COOKIE]))
      return payload;
    const cookie = app.serializeCookie(CSRF_COOKIE, token, {
      path: '/',
      sameSite: 'strict',
      secure: opts.secureCookies,
      ...(token === '' ? { expires: new Date(0) } : {}),
    });
    // Fastify appends to Set-Cookie rather than replacing it.
    reply.header('set-cookie', cookie);
    return payload;
  });
});
