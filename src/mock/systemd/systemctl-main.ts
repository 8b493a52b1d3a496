import { basename, dirname, resolve } from 'node:path';
import { systemctl } from './restart.js';

/**
 * The mock agent's `systemctl` beyond `--version` (the shell shim in its bin directory hands over here):
 * argv is `<agent dir> <systemctl args…>`, the agent dir being `<state dir>/agents/<agent id>`.
 */
const [agentDir = '', ...args] = process.argv.slice(2);
const dir = resolve(agentDir);
systemctl(dirname(dirname(dir)), basename(dir), args, process.env).then(
  (r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.code;
  },
  (e: Error) => {
    process.stderr.write(`systemctl: ${e.message}\n`);
    process.exitCode = 1;
  },
);
