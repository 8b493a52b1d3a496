/** Baked in by the bundler (scripts/build.mjs); see version.ts. */
declare const STATEFUL_OPS_VERSION: string | undefined;

/**
 * The launcher's entry: `--version` answers from here, without loading commander or any command,
 * so it costs what starting Node costs; everything else goes to the full CLI, loaded on demand.
 */
export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    const version = typeof STATEFUL_OPS_VERSION === 'string' ? STATEFUL_OPS_VERSION : (await import('./core/version.js')).packageVersion();
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const cli = await import('./cli.js');
  return cli.main(argv);
}
