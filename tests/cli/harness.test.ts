// The CLI tests' process harness itself: it must start the runtime, not a launcher around it
// (session 24's Deno serve hang).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNativeExecutable, nativeBinary, denoCandidates } from "../support/binaries.ts";
import { findDeno, ROOT } from "./helpers.ts";

const platformDeno = denoCandidates()[1]!;
const realDeno = nativeBinary(ROOT, [platformDeno]);

/** What `npm ci --ignore-scripts` leaves: .bin/deno -> deno/bin.cjs, no deno/deno, the platform package. */
function freshDenoInstall(root: string): void {
  const pkg = join(root, "node_modules/deno");
  const platformDir = join(root, platformDeno, "..");
  mkdirSync(pkg, { recursive: true });
  mkdirSync(platformDir, { recursive: true });
  mkdirSync(join(root, "node_modules/.bin"));
  for (const f of ["bin.cjs", "install_api.cjs", "package.json"]) copyFileSync(join(ROOT, "node_modules/deno", f), join(pkg, f));
  copyFileSync(join(ROOT, platformDeno, "../package.json"), join(platformDir, "package.json"));
  symlinkSync(realpathSync(realDeno!), join(root, platformDeno));
  symlinkSync("../deno/bin.cjs", join(root, "node_modules/.bin/deno"));
}

test("findDeno on a fresh `npm ci --ignore-scripts` install starts Deno itself, not npm's launcher", { skip: realDeno === null ? `no ${platformDeno}` : false, timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "docedge-fresh-install-"));
  try {
    freshDenoInstall(root);
    const found = findDeno(root);
    assert.ok(found, "found a Deno");
    assert.ok(isNativeExecutable(found.command), `${found.command} is a native executable`);
    // The property the Ctrl-C tests rely on: the process the test starts (and signals) is Deno.
    // Through the launcher it is not, which is what the old fallback to .bin/deno returned here.
    const pidOf = (command: string) => {
      const r = spawnSync(command, ["eval", "console.log(Deno.pid)"], { encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return { started: r.pid, deno: Number(r.stdout.trim()) };
    };
    const direct = pidOf(found.command);
    assert.equal(direct.deno, direct.started, "findDeno's command runs as Deno's own process");
    const launched = pidOf(join(root, "node_modules/.bin/deno"));
    assert.notEqual(launched.deno, launched.started, "npm's launcher runs Deno as a child (the fixture is faithful)");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
