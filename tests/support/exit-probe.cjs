// Preloaded (node --require) into a CLI process by tests/cli/cli.test.ts: says on stderr whether
// the process left by running out of work ('beforeExit' is emitted) or by process.exit() (it is not).
const { isMainThread } = require("node:worker_threads");
const { writeSync } = require("node:fs");

if (isMainThread) {
  let said = false;
  process.on("beforeExit", () => {
    if (!said) writeSync(2, "[exit-probe] beforeExit\n");
    said = true;
  });
}
