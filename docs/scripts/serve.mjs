// A small static server for the built site (docs/build), used by `npm run serve` and by the browser
// tests. Serves directories as their index.html, `/path` as `/path.html` when that exists, and
// 404.html with status 404 otherwise. Extra in-memory routes can be added (the tests use them for
// plain pages outside the site).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { siteDir } from './packages.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

/**
 * @param {{ root?: string, host?: string, port?: number, routes?: Record<string, { type: string, body: string }> }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function startServer(options = {}) {
  const root = resolve(options.root ?? join(siteDir, 'build'));
  const host = options.host ?? '127.0.0.1';
  const routes = options.routes ?? {};
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`${root} has no index.html: build the site first (npm run build -w @dlf/docs)`);
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const extra = routes[path];
    if (extra) {
      res.writeHead(200, { 'content-type': extra.type, 'cache-control': 'no-store' });
      res.end(extra.body);
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    let status = 200;
    if (!existsSync(file) || !statSync(file).isFile()) {
      status = 404;
      file = join(root, '404.html');
    }
    // Content-hashed files (Docusaurus's assets/, the bundles' chunks/) never change: cache them for
    // good. Everything else is revalidated on every use (Last-Modified / If-Modified-Since), so a
    // rebuilt site is picked up at once while unchanged files (the wasm binaries) are not re-sent.
    const relative = file.slice(root.length).split(sep).join('/');
    const immutable = status === 200 && /^\/(assets\/|bundles\/[^/]+\/chunks\/)/.test(relative);
    const modified = statSync(file).mtime;
    modified.setMilliseconds(0);
    const since = Date.parse(req.headers['if-modified-since'] ?? '');
    if (status === 200 && !immutable && Number.isFinite(since) && since >= modified.getTime()) {
      res.writeHead(304, { 'cache-control': 'no-cache', 'last-modified': modified.toUTCString() });
      res.end();
      return;
    }
    res.writeHead(status, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(status === 200 ? { 'last-modified': modified.toUTCString() } : {}),
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolvePromise({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 3000);
  const { url } = await startServer({ port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(`dlf docs: serving docs/build at ${url}/ (Ctrl+C to stop)`);
}
