/**
 * The seeded hostile corpus (tests/support/hostile.ts) through the SDK, three passes in one
 * process: every input must end in a result or a typed DocedgeError within a deadline (no crash,
 * no hang, no untyped throw), and memory must not grow after the first pass (codec instances that
 * keep failed decodes' buffers would show here).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDetector } from "../../src/detector.ts";
import { DocedgeError } from "../../src/errors.ts";
import { DEFAULT_HTTP_LIMITS } from "../../src/http/app.ts";
import { hostileInputs } from "../support/hostile.ts";
import { settledRss } from "../support/gc.ts";

const PASSES = 3;
const HANG_MS = 30_000;
const MiB = 2 ** 20;


test(`>= 500 hostile inputs x ${PASSES} passes: typed errors only, no hang, flat memory`, { timeout: 900_000 }, async () => {
  const inputs = await hostileInputs(15, 520);
  assert.ok(inputs.length >= 500, `${inputs.length} inputs`);
  // The server's limits: what a deployment exposed to such inputs runs with.
  const detector = await createDetector({ limits: DEFAULT_HTTP_LIMITS, numThreads: 1 });
  const problems: string[] = [];
  const outcomes = new Map<string, number>();
  const rss: number[] = [];
  try {
    for (let pass = 0; pass < PASSES; pass++) {
      for (const input of inputs) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hang = new Promise<"hang">((resolve) => {
          timer = setTimeout(() => resolve("hang"), HANG_MS);
        });
        let outcome: string;
        try {
          const result = await Promise.race([detector.detect(input.bytes), hang]);
          outcome = result === "hang" ? "HANG" : "ok";
        } catch (error) {
          outcome = error instanceof DocedgeError ? error.code : `UNTYPED ${String(error)}`;
          if (error instanceof DocedgeError && /unwrap_throw|\bat .*\.(ts|js):\d/.test(error.message)) {
            problems.push(`${input.name}: message leaks internals: ${error.message}`);
          }
        } finally {
          clearTimeout(timer);
        }
        if (outcome === "HANG" || outcome.startsWith("UNTYPED")) problems.push(`pass ${pass + 1} ${input.name}: ${outcome}`);
        if (pass === 0) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      rss.push(settledRss());
    }
  } finally {
    await detector.dispose();
  }
  console.log(
    `hostile corpus: ${inputs.length} inputs; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; ` +
      `RSS after each pass ${rss.map((b) => (b / MiB).toFixed(0)).join(", ")} MiB`,
  );
  assert.deepEqual(problems, []);
  assert.ok((outcomes.get("ok") ?? 0) > 0 && outcomes.size >= 3, "the corpus exercises both success and several failure kinds");
  const growth = (rss.at(-1)! - rss[0]!) / MiB;
  assert.ok(growth <= 40, `RSS grew ${growth.toFixed(1)} MiB after the first pass`);
});
