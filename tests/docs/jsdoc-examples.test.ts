// Every entry in package.json "exports" opens with a @module comment, every value it exports carries
// a JSDoc @example, and every such example type-checks under strict as a user's module would, with "docedge" and its
// subpaths resolved to the sources. Editors and JSR show these blocks as the API reference, so an
// example that stops compiling is a broken doc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { ROOT } from "../core/helpers.ts";

/** Names an example may use without declaring them: the bytes of a photo, as most callers hold one. */
const PLACEHOLDERS = "declare const jpegBytes: Uint8Array;\n";

interface Example {
  /** "docedge/http: createApp", for messages. */
  where: string;
  code: string;
}

/** The package's entry points: export subpath -> source file (dist/x.js -> x.ts). */
function entries(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | { default: string }> };
  const out = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const file = typeof target === "string" ? target : target.default;
    const m = /^\.\/dist\/(.+)\.js$/.exec(file);
    if (m) out.set(subpath === "." ? "docedge" : `docedge/${subpath.slice(2)}`, join(ROOT, `${m[1]}.ts`));
  }
  return out;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  types: ["node"],
  typeRoots: [join(ROOT, "node_modules/@types")],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
};

/** The code of each @example tag (the fenced block inside it, or the whole text when unfenced). */
function exampleCode(texts: readonly string[]): string[] {
  return texts.map((text) => /```(?:ts|typescript|js)?\n([\s\S]*?)```/.exec(text)?.[1] ?? text);
}

/** A file's `@module` comment (JSDoc on its first statement), or undefined. */
function moduleDoc(source: ts.SourceFile): ts.JSDoc | undefined {
  const first = source.statements[0];
  if (!first) return undefined;
  return ts.getJSDocCommentsAndTags(first).filter(ts.isJSDoc).find((d) => d.tags?.some((t) => t.tagName.text === "module"));
}

/** Each entry's value exports (functions, classes, constants), with their examples. */
function collect(): { missing: string[]; examples: Example[] } {
  const map = entries();
  const program = ts.createProgram([...map.values()], COMPILER_OPTIONS);
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  const examples: Example[] = [];
  const seen = new Set<ts.Symbol>();
  for (const [specifier, file] of map) {
    const source = program.getSourceFile(file);
    assert.ok(source, `${file} is not in the program`);
    const doc = moduleDoc(source);
    if (!doc) missing.push(`${specifier}: the @module comment (${relative(ROOT, file)})`);
    const texts = (doc?.tags ?? []).filter((t) => t.tagName.text === "example").map((t) => ts.getTextOfJSDocComment(t.comment) ?? "");
    for (const code of exampleCode(texts)) examples.push({ where: `${specifier} (@module)`, code });
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue; // a script without exports (the browser worker)
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable))) continue;
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      const where = `${specifier}: ${exported.name} (${relative(ROOT, symbol.declarations?.[0]?.getSourceFile().fileName ?? "?")})`;
      const texts = symbol.getJsDocTags(checker).filter((t) => t.name === "example").map((t) => ts.displayPartsToString(t.text));
      if (texts.length === 0) missing.push(where);
      for (const code of exampleCode(texts)) examples.push({ where, code });
    }
  }
  return { missing, examples };
}

const { missing, examples } = collect();

test("every package entry has a @module comment and every value it exports a JSDoc @example", () => {
  assert.ok(missing.length === 0, `missing docs:\n  ${missing.join("\n  ")}`);
  assert.ok(examples.length >= 40, `only ${examples.length} examples found: is the collector still reading the entries?`);
});

test("every @example type-checks against the package's own entry points", () => {
  // One in-memory module per example; "docedge/..." resolves to the source entry.
  const map = entries();
  const dir = join(ROOT, "tests/docs/.examples");
  const files = new Map<string, string>();
  examples.forEach((e, i) => files.set(join(dir, `example-${i}.mts`), `${e.code}\nexport {};\n`));
  files.set(join(dir, "placeholders.d.ts"), PLACEHOLDERS);
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.resolveModuleNameLiterals = (literals, containingFile, _ref, options) =>
    literals.map((lit) => {
      const target = map.get(lit.text);
      if (target) return { resolvedModule: { resolvedFileName: target, extension: ts.Extension.Ts, isExternalLibraryImport: false } };
      return ts.resolveModuleName(lit.text, containingFile, options, host);
    });
  const program = ts.createProgram([...files.keys()], COMPILER_OPTIONS, host);
  const problems = ts.getPreEmitDiagnostics(program).flatMap((d) => {
    const i = d.file ? /example-(\d+)\.mts$/.exec(d.file.fileName)?.[1] : undefined;
    if (d.file === undefined || i === undefined) return [];
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return [`${examples[Number(i)].where}, example line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`];
  });
  assert.ok(problems.length === 0, `examples that do not compile:\n  ${problems.join("\n  ")}`);
});
