// createApp in-process (app.fetch, no socket): server-side failures stay generic and are retried.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createApp, DEFAULT_HTTP_LIMITS, DEFAULT_LIMITS } from "../../src/http/app.ts";
import { DEFAULT_LIMITS as DEFAULT_DECODE_LIMITS } from "../../mod.ts";
import { InvalidInputError } from "../../src/errors.ts";
import { PHOTOS } from "./client.ts";

async function post(app: ReturnType<typeof createApp>, photo = PHOTOS[2]!): Promise<Response> {
  return app.fetch(
    new Request("http://local/v1/detect", {
      method: "POST",
      headers: { "content-type": photo.type },
      body: photo.bytes as Uint8Array<ArrayBuffer>,
    }),
  );
}

describe("createApp", () => {
  it("a model that fails to load gives a generic 500 (no paths, no stack) and is retried", async () => {
    const logged: unknown[] = [];
    let attempts = 0;
    const app = createApp({
      detectorOptions: { model: "/nonexistent/secret-dir/model.onnx" },
      onError: (e) => logged.push(e),
    });
    const appWithCount = createApp({
      detector: () => {
        attempts++;
        throw new Error("internal detail /srv/secret");
      },
      onError: (e) => logged.push(e),
    });
    for (const a of [app, appWithCount]) {
      const res = await post(a);
      assert.equal(res.status, 500);
      assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
      const text = await res.text();
      assert.doesNotMatch(text, /secret|nonexistent|\bat\b.*\.ts/);
      assert.equal(JSON.parse(text).code, "MODEL_LOAD_FAILED");
    }
    await post(appWithCount);
    assert.equal(attempts, 2, "the factory is called again after a failure");
    assert.ok(logged.length >= 3, "server-side failures reach onError");
    const health = (await (await app.fetch(new Request("http://local/healthz"))).json()) as { detector: string };
    assert.equal(health.detector, "failed");
  });

  it("rejects invalid limits at construction", () => {
    assert.throws(() => createApp({ limits: { maxBytes: 0 } }), InvalidInputError);
    assert.throws(() => createApp({ limits: { maxPixels: 1.5 } }), InvalidInputError);
    assert.throws(() => createApp({ maxUploads: 0 }), InvalidInputError);
    assert.throws(() => createApp({ bodyTimeoutMs: -1 }), InvalidInputError);
    assert.throws(() => createApp({ concurrency: 0 }), InvalidInputError);
  });

  it("CORS is opt-in: off, a preflight gets 404; with cors: true, any origin and the scan headers exposed", async () => {
    const preflight = new Request("http://local/v1/detect", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    const off = await createApp().fetch(preflight.clone());
    assert.equal(off.status, 404);
    assert.equal(off.headers.get("access-control-allow-origin"), null);
    const app = createApp({ cors: true });
    const on = await app.fetch(preflight.clone());
    assert.equal(on.status, 204);
    assert.equal(on.headers.get("access-control-allow-origin"), "*");
    const health = await app.fetch(new Request("http://local/healthz", { headers: { origin: "https://app.example" } }));
    assert.equal(health.headers.get("access-control-allow-origin"), "*");
    assert.match(health.headers.get("access-control-expose-headers") ?? "", /x-docedge-quad/);
    const strict = createApp({ cors: { origin: "https://only.example" } });
    const other = await strict.fetch(new Request("http://local/healthz", { headers: { origin: "https://evil.example" } }));
    assert.notEqual(other.headers.get("access-control-allow-origin"), "https://evil.example");
  });

  it("DEFAULT_HTTP_LIMITS is the server's defaults; its old name DEFAULT_LIMITS still works; the decoder's are apart", () => {
    // The documented defaults (docs/http.md).
    assert.deepEqual(DEFAULT_HTTP_LIMITS, { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000 });
    // The deprecated name must keep working: the same object.
    assert.equal(DEFAULT_LIMITS, DEFAULT_HTTP_LIMITS);
    assert.notEqual(DEFAULT_DECODE_LIMITS, DEFAULT_HTTP_LIMITS);
  });
});
