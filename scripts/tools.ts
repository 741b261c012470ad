// npm run tools [-- name ...]: finds or installs the programs the scripts use (all of them, or the
// ones named), the way `npm run dev`, `npm test` and the bench do on first use: Debian packages via
// apt-get when running as root, Go programs built into the tool cache at their pinned versions.
import { describeError, fail, formatMs, say } from './lib/log.js';
import { ensureTool } from './lib/provision.js';
import { TOOLS } from './lib/tools.js';

const names = process.argv.slice(2).filter((a) => a !== '--');
const unknown = names.filter((n) => !TOOLS[n]);
if (unknown.length) {
  fail('tools', `unknown tool(s) ${unknown.join(', ')}; known: ${Object.keys(TOOLS).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of names.length ? names : Object.keys(TOOLS)) {
  const t0 = Date.now();
  try {
    say('tools', `${name}: ${await ensureTool(TOOLS[name]!)} (${formatMs(Date.now() - t0)})`);
  } catch (err) {
    failed++;
    fail('tools', describeError(err));
  }
}
process.exit(failed ? 1 : 0);
