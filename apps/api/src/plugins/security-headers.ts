import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { AppError, ErrorCode } from '@berth/contracts';
import { routeOf } from './auth.js';

/**
 * The policy every answer carries. The web UI is a Next.js static export whose pages bootstrap
 * with inline scripts: those are allowed by their hashes, page by page (`pagePolicy`), never by
 * 'unsafe-inline'. Styles do need 'unsafe-inline': xterm.js and noVNC add <style> elements and
 * style attributes at run time, and an injected style cannot run code.
 */
const DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  // noVNC draws the remote cursor from data: URLs; screenshots may be shown from blobs.
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  // fetch, the event stream and console WebSockets: CSP3's 'self' covers ws(s) to this origin.
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  // No page of Berth is meant to be framed (share links included): clickjacking a console
  // would type into someone's shell.
  frameAncestors: ["'none'"],
  // Berth serves plain HTTP when asked (BERTH_HTTP=1), where upgrading would break every
  // subresource; over HTTPS every subresource is same-origin, so HTTPS already.
  upgradeInsecureRequests: null,
};

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function policyText(extraScripts: string[] = []): string {
  return Object.entries(DIRECTIVES)
    .filter((entry): entry is [string, string[]] => entry[1] !== null)
    .map(([name, values]) =>
      [kebab(name), ...values, ...(name === 'scriptSrc' ? extraScripts : [])].join(' '),
    )
    .join('; ');
}

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/** The hashes of a page's inline scripts, in CSP's own form. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, body] of html.matchAll(INLINE_SCRIPT)) {
    if (body) hashes.add(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  }
  return [...hashes];
}

// Pages are revalidated on every load so that a new build shows at once; the cache follows the
// file's modification time for the same reason.
const pagePolicies = new Map<string, { mtimeMs: number; policy: string }>();

/** The policy for one HTML file of the web UI: the base policy plus its own scripts' hashes. */
export function pagePolicy(file: string): string {
  const { mtimeMs } = statSync(file);
  const known = pagePolicies.get(file);
  if (known?.mtimeMs === mtimeMs) return known.policy;
  const policy = policyText(inlineScriptHashes(readFileSync(file, 'utf8')));
  pagePolicies.set(file, { mtimeMs, policy });
  return policy;
}

/**
 * Encoded slashes and dot segments: no file of the web UI is named with them, and the static
 * file server decodes them into a path that walks elsewhere in its folder.
 */
export const isTraversal = (url: string): boolean => {
  const path = url.split('?', 1)[0] as string;
  if (/%2f|%5c/i.test(path)) return true;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.');
};

/**
 * Security headers on every answer, and no path that walks between the web UI's files. HSTS
 * only when the API serves HTTPS itself: a year, this host only (a Berth on one name says nothing
 * of its siblings), and no preload, which an operator must choose for their whole domain.
 */
export const securityHeaders = fp(async (app: FastifyInstance, opts: { hsts: boolean }) => {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: opts.hsts
      ? { maxAge: 365 * 86400, includeSubDomains: false, preload: false }
      : false,
  });
  // After helmet's own hook, so that this refusal carries the headers too.
  // API routes validate their own parameters (and name the bad one); files have no schema.
  app.addHook('onRequest', async (req) => {
    if (!routeOf(req).startsWith('/api/') && isTraversal(req.url))
      throw new AppError(
        ErrorCode.notFound,
        'paths with encoded slashes or dot segments are not served',
      );
  });
});
