/** HTTP client helpers for the conformance and load tests: raw requests, chunked bodies, fixtures. */
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createDetector } from "../../src/detector.ts";
import { concatBytes as concat } from "../../src/runtime/bytes.ts";
import type { DetectResult } from "../../src/types.ts";

// Re-exported for the conformance suite.
export { concat };

export const FIXTURES = path.join(import.meta.dirname, "fixtures");

export interface Fixture {
  name: string;
  type: string;
  bytes: Uint8Array;
  width: number;
  height: number;
}

export function fixture(name: string, type: string, width: number, height: number): Fixture {
  return { name, type, bytes: new Uint8Array(readFileSync(path.join(FIXTURES, name))), width, height };
}

export const PHOTOS: Fixture[] = [
  fixture("a4-on-dark-background.jpg", "image/jpeg", 450, 800),
  fixture("inner-table.png", "image/png", 270, 480),
  fixture("inner-lines.webp", "image/webp", 270, 480),
];

/** What the SDK answers in-process for each of PHOTOS, by name: the servers must answer the same. */
export async function inProcessDetections(): Promise<Map<string, DetectResult>> {
  const detector = await createDetector({ numThreads: 1 });
  try {
    const out = new Map<string, DetectResult>();
    for (const photo of PHOTOS) out.set(photo.name, await detector.detect(photo.bytes));
    return out;
  } finally {
    await detector.dispose();
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A request through node:http, so the test controls framing: `chunks` are written one by one
 * (with `delayMs` between) and, without `contentLength`, sent with Transfer-Encoding: chunked.
 * A server may answer before the whole body is sent (413); write errors after that are expected.
 */
export function rawRequest(
  base: string,
  pathAndQuery: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: Uint8Array[]; delayMs?: number; contentLength?: number },
): Promise<RawResponse> {
  const url = new URL(pathAndQuery, base);
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentLength !== undefined) headers["content-length"] = String(options.contentLength);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { method: options.method ?? "POST", hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        res.on("error", reject);
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      for (const chunk of options.chunks ?? []) {
        if (answered || req.destroyed) return;
        await new Promise<void>((done) => req.write(chunk, () => done()));
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      }
      if (!req.destroyed) req.end();
    })();
  });
}

/**
 * Opens a raw connection, sends the request head (declaring the whole body) and the first
 * `sendBytes` of the body, and resolves with the socket once those are written. Later socket
 * errors are ignored: the callers drop the connection themselves.
 */
function partialUpload(base: string, pathAndQuery: string, body: Uint8Array, sendBytes: number): Promise<Socket> {
  const url = new URL(pathAndQuery, base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: image/jpeg\r\n` +
          `Content-Length: ${body.byteLength}\r\n\r\n`,
      );
      socket.write(body.subarray(0, sendBytes), () => resolve(socket));
    });
    socket.on("error", reject);
  });
}

/** Sends headers and part of a body, then drops the connection (a client that gives up mid-upload). */
export async function abandonUpload(base: string, pathAndQuery: string, body: Uint8Array, sendBytes: number): Promise<void> {
  const socket = await partialUpload(base, pathAndQuery, body, sendBytes);
  await new Promise((r) => setTimeout(r, 300));
  socket.destroy();
}

/** Splits bytes into n nearly equal chunks. */
export function split(bytes: Uint8Array, n: number): Uint8Array[] {
  const size = Math.ceil(bytes.byteLength / n);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** A valid PNG signature + IHDR chunk (correct CRC) claiming width x height, then IEND: no pixels. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.byteLength);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}


export async function postImage(base: string, pathAndQuery: string, bytes: Uint8Array, type: string): Promise<Response> {
  return fetch(new URL(pathAndQuery, base), {
    method: "POST",
    headers: { "content-type": type },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

export interface Health {
  status: string;
  detector: string;
  queue: { running: number; waiting: number; concurrency: number; maxQueue: number };
  limits: { maxBytes: number; maxPixels: number };
}

export async function health(base: string): Promise<Health> {
  const res = await fetch(new URL("/healthz", base));
  if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
  return (await res.json()) as Health;
}

/** Waits until the server's queue is empty (nothing running or admitted). */
export async function waitForIdleQueue(base: string, timeoutMs = 20_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(base);
    if (h.queue.running === 0 && h.queue.waiting === 0) return h;
    if (Date.now() > deadline) throw new Error(`queue still busy: ${JSON.stringify(h.queue)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts an upload and keeps it open half-sent (a stalled client) until `drop` is called. */
export async function holdUpload(base: string, pathAndQuery: string, body: Uint8Array): Promise<{ drop(): void }> {
  const socket = await partialUpload(base, pathAndQuery, body, body.byteLength >> 1);
  return { drop: () => socket.destroy() };
}
