import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findRuntime } from "../../scripts/runtime-binaries.ts";
import { ROOT, SAMPLE, hasModel } from "./helpers.ts";

// Deno without --allow-read for the package's files: the error names the permission to grant,
// instead of saying the model is missing.
const deno = findRuntime("deno");
const skip = !hasModel() ? "no model in models/" : deno === null ? "deno not found in node_modules" : false;

test("Deno: a denied read names --allow-read (SDK and CLI), not a missing file", { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "docedge-deno-perm-"));
  try {
    const script = join(dir, "detect.ts");
    writeFileSync(
      script,
      `import { detectDocument } from ${JSON.stringify(pathToFileURL(join(ROOT, "mod.ts")).href)};
try {
  await detectDocument(await Deno.readFile(${JSON.stringify(SAMPLE)}));
  console.log("no error");
} catch (e) {
  console.log(\`\${(e as { code?: string }).code}: \${(e as Error).message}\`);
}
`,
    );
    const config = `--config=${join(ROOT, "deno.json")}`;
    const sdk = spawnSync(deno!, ["run", config, `--allow-read=${SAMPLE}`, "--allow-env", script], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
    assert.equal(sdk.status, 0, sdk.stderr);
    assert.match(sdk.stdout, /^MODEL_LOAD_FAILED: .*Requires read access to .*docedge-int8\.onnx.*--allow-read/m);
    assert.doesNotMatch(sdk.stdout, /found in any folder/);

    const cli = spawnSync(deno!, ["run", config, "--allow-env", join(ROOT, "src/cli/bin.ts"), "detect", SAMPLE], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, /Requires read access to .*sample\.jpg.*--allow-read/);
    assert.doesNotMatch(cli.stderr, /no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
