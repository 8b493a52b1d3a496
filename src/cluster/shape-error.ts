/** A document that does not have the shape we read; `path` like `tasks[3].localVolumes[0].persistenceId`. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'ShapeError';
  }
}
