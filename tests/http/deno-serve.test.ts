import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SAMPLE, hasModel } from "../core/helpers.ts";
import { findRuntime } from "../../scripts/runtime-binaries.ts";

// `deno serve` wants a module whose default export has `fetch`: examples/deno/serve.ts is one.
const deno = findRuntime("deno");
const skip = !hasModel() ? "no model in models/" : !deno ? "no Deno binary in node_modules" : false;

test("deno serve examples/deno/serve.ts answers /healthz and /v1/detect, and stops with its process", { skip, timeout: 300_000 }, async () => {
  const child = spawn(
    deno!,
    ["serve", `--config=${join(ROOT, "deno.json")}`, "--allow-read", "--allow-env", "--allow-sys=uid,gid", "--host", "127.0.0.1", "--port", "0", "examples/deno/serve.ts"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Listening on" line: ${out}`)), 120_000);
      const read = (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Listening on (http:\/\/\S+?)\/?\s/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
    });
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string };
    assert.equal(health.status, "ok");
    const res = await fetch(`${url}/v1/detect`, { method: "POST", body: readFileSync(SAMPLE), headers: { "content-type": "image/jpeg" } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { found: boolean; width: number; height: number };
    assert.deepEqual([body.found, body.width, body.height], [true, 900, 1600]);
    // deno.json's no-legacy-abort keeps Deno 2.9 from warning that request.signal was read; it
    // writes that when the request closes, just after the answer.
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(out, /request\.signal aborts on successful responses/, out);
  } finally {
    child.kill("SIGTERM");
  }
  await exited;
});
