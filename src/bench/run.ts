import { benchTasksList } from './tasks-list.js';
import { benchValidation } from './validation.js';
import { benchSshFanOut } from './ssh-fanout.js';
import { benchWipe } from './wipe.js';
import { benchStartup } from './startup.js';
import { benchRecovery } from './recovery.js';
import { machineLoad } from './harness.js';

/** `npm run bench [name...]`: performance targets live here, never in timed tests. */
const benches: Record<string, () => Promise<void>> = {
  startup: benchStartup,
  'tasks-list': benchTasksList,
  recovery: benchRecovery,
  wipe: benchWipe,
  'ssh-fanout': benchSshFanOut,
  validation: benchValidation,
};

const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? wanted : Object.keys(benches);
console.log(`stateful-ops benchmarks, node ${process.version}; ${machineLoad()}`);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  await bench();
}
