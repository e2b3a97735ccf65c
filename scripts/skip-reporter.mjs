// A node:test reporter that writes one JSON line per skipped test ({ file, name, reason }), so
// scripts/run-tests.mjs can end with a summary of what did not run and why.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if ((event.type === "test:pass" || event.type === "test:fail") && event.data.skip !== undefined && event.data.skip !== false) {
      const reason = typeof event.data.skip === "string" ? event.data.skip : "skipped";
      yield `${JSON.stringify({ file: event.data.file ?? "", name: event.data.name, reason })}\n`;
    }
  }
}
