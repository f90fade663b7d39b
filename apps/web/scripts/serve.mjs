#!/usr/bin/env node
/* global process, console, URL */
// Serves the static export (out/) and proxies /api to a running Berth API, streaming
// (server-sent events, uploads and console WebSockets pass straight through). For local checks
// of the built UI:
//   BERTH_API_URL=http://127.0.0.1:8080 PORT=3000 node scripts/serve.mjs
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('../out', import.meta.url)));
const api = new URL(process.env.BERTH_API_URL ?? 'http://127.0.0.1:8080');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function proxy(req, res) {
  const upstream = http.request(
    {
      host: api.hostname,
      port: api.port || 80,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: api.host, 'x-forwarded-for': req.socket.remoteAddress },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'agent_unreachable', message: `API: ${err.message}` } }),
      );
    } else res.destroy();
  });
  req.pipe(upstream);
  res.on('close', () => upstream.destroy());
}

async function file(req, res) {
  const { pathname } = new URL(req.url ?? '/', 'http://x');
  let p = path.join(root, decodeURIComponent(pathname));
  if (!p.startsWith(root)) return void res.writeHead(403).end();
  try {
    if ((await stat(p)).isDirectory()) p = path.join(p, 'index.html');
    await stat(p);
  } catch {
    p = path.join(root, '404.html');
    res.statusCode = 404;
  }
  res.setHeader('content-type', types[path.extname(p)] ?? 'application/octet-stream');
  // Hashed assets never change; pages must be revalidated.
  res.setHeader(
    'cache-control',
    pathname.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  createReadStream(p).pipe(res);
}

const head = (res) => {
  const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2)
    lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
};

/** Console WebSockets: the upgrade goes to the API, then bytes flow both ways untouched. */
function proxyUpgrade(req, socket, firstBytes) {
  const upstream = http.request({
    host: api.hostname,
    port: api.port || 80,
    method: req.method,
    path: req.url,
    // The API opens consoles only for its own origin; this proxy stands in for it.
    headers: {
      ...req.headers,
      host: api.host,
      ...(req.headers.origin ? { origin: api.origin } : {}),
    },
  });
  upstream.on('upgrade', (res, upSocket, upFirst) => {
    socket.write(head(res));
    if (upFirst.length) socket.write(upFirst);
    if (firstBytes.length) upSocket.write(firstBytes);
    upSocket.pipe(socket).pipe(upSocket);
    upSocket.on('error', () => socket.destroy());
    socket.on('error', () => upSocket.destroy());
  });
  // The API refused the upgrade: pass its answer on.
  upstream.on('response', (res) => {
    socket.write(head(res));
    res.pipe(socket);
  });
  upstream.on('error', () => socket.destroy());
  upstream.end();
}

http
  .createServer((req, res) => {
    if (req.url?.startsWith('/api/')) proxy(req, res);
    else void file(req, res);
  })
  .on('upgrade', (req, socket, firstBytes) => {
    if (req.url?.startsWith('/api/')) proxyUpgrade(req, socket, firstBytes);
    else socket.destroy();
  })
  .listen(port, host, () => console.log(`berth web: http://${host}:${port}/ (API ${api.origin})`));
