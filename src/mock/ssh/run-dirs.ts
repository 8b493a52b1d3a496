/**
 * A run's SSH files live in `<state>/ssh/run-<pid>-<random>/`: the pid is the process whose agents they
 * describe (a CLI run, or a `mock serve --ssh`), so a directory whose process is gone is stale.
 */
export function runDirOwner(name: string): number | undefined {
  const pid = /^run-(\d+)-/.exec(name)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
