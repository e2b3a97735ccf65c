#!/usr/bin/env node
/**
 * A tiny static file server for the browser example and its tests (any static server works;
 * this one can also send the COOP/COEP headers that make the page cross-origin isolated, which
 * lets ONNX Runtime use threads).
 *
 *   node examples/browser/serve.mjs [--port 8080] [--isolated] [--root DIR]
 *
 * Also importable: `startServer({ root, port, isolated, mounts })` returns { url, close }.
 * `mounts` maps URL prefixes to extra folders (the tests mount their harness and fixtures).
 */
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".onnx": "application/octet-stream",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".css": "text/css; charset=utf-8",
  ".webm": "video/webm",
  ".mp4": "video/mp4",
};

function inside(base, rel) {
  const p = normalize(join(base, rel));
  return p === base || p.startsWith(base.endsWith(sep) ? base : base + sep) ? p : null;
}

export function startServer({ root, port = 0, host = "127.0.0.1", isolated = false, mounts = {} } = {}) {
  const base = resolve(root ?? dirname(fileURLToPath(import.meta.url)));
  const extra = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)]);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let path = decodeURIComponent(url.pathname);
    let dir = base;
    for (const [prefix, d] of extra) {
      if (path.startsWith(prefix)) {
        dir = d;
        path = "/" + path.slice(prefix.length);
        break;
      }
    }
    if (path.endsWith("/")) path += "index.html";
    const file = inside(dir, path);
    const headers = { "Cache-Control": "no-store" };
    if (isolated) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
      headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
    const st = file ? await stat(file).catch(() => null) : null;
    if (!st || !st.isFile() || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(st ? 405 : 404, { ...headers, "Content-Type": "text/plain" });
      res.end(st ? "method not allowed" : "not found");
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream", "Content-Length": st.size });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const addr = server.address();
      ok({
        url: `http://${host}:${addr.port}/`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const { url } = await startServer({
    root: opt("--root"),
    port: Number(opt("--port") ?? 8080),
    host: opt("--host") ?? "127.0.0.1",
    isolated: argv.includes("--isolated"),
  });
  console.log(`serving ${url}${argv.includes("--isolated") ? " (cross-origin isolated: COOP/COEP on)" : ""}`);
}
