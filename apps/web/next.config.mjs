/* global process, URL */
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/**
 * The UI is a static export (out/) that the API serves from its own origin, so
 * every page is client-rendered and dynamic pages use query strings.
 * In `next dev` only, /api is proxied to a running API (BERTH_API_URL).
 */
export default function config(phase) {
  const dev = phase === PHASE_DEVELOPMENT_SERVER;
  /** @type {import('next').NextConfig} */
  const base = {
    reactStrictMode: true,
    trailingSlash: true,
    images: { unoptimized: true },
    poweredByHeader: false,
    // The workspace's own `pnpm lint` covers this package; the build need not lint again.
    eslint: { ignoreDuringBuilds: true },
    // The workspace root's lockfile is the right one; say so to silence the guess.
    outputFileTracingRoot: new URL('../..', import.meta.url).pathname,
    webpack(config) {
      // noVNC awaits at its top level. Every browser Next supports has async functions;
      // webpack only needs to be told so.
      config.output.environment = { ...config.output.environment, asyncFunction: true };
      return config;
    },
  };
  if (!dev) return { ...base, output: 'export' };
  const api = process.env.BERTH_API_URL ?? 'http://127.0.0.1:8080';
  return {
    ...base,
    async rewrites() {
      return [{ source: '/api/:path*', destination: `${api}/api/:path*` }];
    },
  };
}
