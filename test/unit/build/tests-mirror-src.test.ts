import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot, importsOf, repoRoot, sourceFiles } from '../../helpers/imports.js';

/**
 * test/unit/ mirrors src/: the test of src/<path>/x.ts lives in test/unit/<path>/, so a module's tests are
 * found where the module is, and a moved or renamed room cannot leave its tests behind under the old name.
 * test/unit/build/ holds checks of the source tree itself and mirrors nothing.
 */
const unit = join(repoRoot, 'test', 'unit');
const src = join(repoRoot, 'src');
const unitTests = sourceFiles(unit).filter((f) => f.endsWith('.test.ts'));
const NOT_MIRRORED = 'build';

describe('test/unit/ mirrors src/', () => {
  it('every unit test lies in a folder that src/ has, none at the top of test/unit/', () => {
    const misplaced = unitTests
      .map((file) => relative(unit, dirname(file)))
      .flatMap((dir, i) => {
        if (dir.split('/')[0] === NOT_MIRRORED) return [];
        const mirrored = join(src, dir);
        return dir !== '' && existsSync(mirrored) && statSync(mirrored).isDirectory() ? [] : [fromRoot(unitTests[i] as string)];
      });
    expect(misplaced).toEqual([]);
  });

  it('every src/domain/ module has its own test file, and that file loads it (a type-only import runs none of its code)', () => {
    const untested = sourceFiles(join(src, 'domain')).filter((module) => {
      const test = join(unit, relative(src, module)).replace(/\.ts$/, '.test.ts');
      return !existsSync(test) || !importsOf(test).some((ref) => ref.target === module && !ref.typeOnly);
    });
    expect(untested.map(fromRoot)).toEqual([]);
  });
});
