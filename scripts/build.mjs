// Bundles the CLI into dist/ with esbuild. Code splitting keeps each command's code (and the mock,
// zod, the HTTP client) in its own chunk, loaded by the dynamic import() that needs it, so
// `--version` and `--help` parse one small file instead of resolving dozens of modules.
// Type checking stays with tsc (`npm run typecheck`, run by `npm run build`).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';

/**
 * commander requires node:child_process up front for executable subcommands, which this CLI never uses;
 * loading it costs every start-up a few ms. Resolve it on first use instead.
 */
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`${args.path}: expected ${eager}`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: 'src/main.ts', 'bench/run': 'src/bench/run.ts', 'mock/ssh-agents': 'src/mock/ssh/agents-main.ts', 'mock/systemctl': 'src/mock/systemd/systemctl-main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifySyntax: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Native add-ons and big mock-only or proxy-only libraries load from node_modules, when used.
  external: ['ssh2', 'msw', 'msw/*', 'undici'],
  define: { STATEFUL_OPS_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS (commander) requires Node built-ins: give the ESM chunks a real require().
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [lazyChildProcessInCommander],
  metafile: true,
  logLevel: 'warning',
});
if (process.argv.includes('--analyze')) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}
