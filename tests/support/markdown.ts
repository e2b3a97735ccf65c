import { readFileSync } from "node:fs";

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The fence's info string: "ts", "sh", "ts server" (a language, then tags), "" ... */
  lang: string;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** The fenced code blocks of a Markdown file, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  let open: { lang: string; line: number; body: string[] } | null = null;
  lines.forEach((text, i) => {
    const fence = /^```(.*)$/.exec(text);
    if (!open && fence) open = { lang: fence[1].trim(), line: i + 1, body: [] };
    else if (open && /^```\s*$/.test(text)) {
      blocks.push({ lang: open.lang, code: open.body.join("\n") + "\n", line: open.line });
      open = null;
    } else if (open) open.body.push(text);
  });
  return blocks;
}
