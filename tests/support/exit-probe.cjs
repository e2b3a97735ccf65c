// Preloaded into a CLI process by tests/cli/cli.test.ts (`node --allow-natives-syntax --require`):
// as the process exits, says on stderr whether V8 would still optimise a function with TurboFan.
// A finished command turns new optimisation off before it exits (src/cli/v8-tuning.ts).
const { isMainThread } = require("node:worker_threads");
const { writeSync } = require("node:fs");

/** V8's optimisation status bit for "optimised by TurboFan" (kTurboFanned, V8 11-12). */
const TURBOFANNED = 1 << 6;

if (isMainThread) {
  process.on("exit", () => {
    // Natives syntax only parses with --allow-natives-syntax; built here so this file loads anyway.
    const turbofanned = new Function(`
      function f(a, b) { return a * b + 1; }
      %PrepareFunctionForOptimization(f);
      f(1, 2);
      f(3, 4);
      %OptimizeFunctionOnNextCall(f);
      f(5, 6);
      return (%GetOptimizationStatus(f) & ${TURBOFANNED}) !== 0;
    `);
    writeSync(2, `[exit-probe] turbofan ${turbofanned() ? "on" : "off"}\n`);
  });
}
