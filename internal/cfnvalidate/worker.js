// A worker of privateconnect's template check (see cfnvalidate.go): it runs
// the CDK's own CloudFormation Validate plugin, from the aws-cdk-lib whose
// directory is its argument, on the stack templates it is sent, one JSON
// list of {templatePath, stackConstructPath, accountId, region} per line of
// stdin, and answers each line with one line of JSON on stdout: {"report":
// <the plugin's report>} or {"error": "<why>"}. Its first line says it is
// ready and which versions it runs. It exits when stdin closes.
'use strict';
const readline = require('node:readline');
const path = require('node:path');

const lib = process.argv[1]; // node -e <this> -- <lib>
const say = (message) => process.stdout.write(JSON.stringify(message) + '\n');
let plugin;
try {
  // Building the plugin loads its rule engine (about a second of CPU): once
  // per worker, before the first template arrives.
  plugin = new (require(lib).CloudFormationValidatePlugin)();
  say({ ready: { lib: require(path.join(lib, 'package.json')).version, plugin: plugin.version } });
} catch (e) {
  say({ error: `loading the CloudFormation Validate plugin from ${lib}: ${e && e.message}` });
  process.exit(1);
}
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  try {
    say({ report: plugin.validate({ stackTemplates: JSON.parse(line) }) });
  } catch (e) {
    say({ error: String((e && e.stack) || e) });
  }
});
