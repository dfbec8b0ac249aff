// Typesets TeX with KaTeX (node_modules) for scripts/math_html.py, one process per build.
// Each line on stdin is a JSON array of [tex, display] pairs; for each line, one line on stdout:
// a JSON array with, per formula, {"html": ...} or {"error": KaTeX's message}.
const readline = require("node:readline");
const katex = require("katex");

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const results = JSON.parse(line).map(([tex, display]) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
    } catch (error) {
      return { error: String(error.message) };
    }
  });
  process.stdout.write(JSON.stringify(results) + "\n");
});
