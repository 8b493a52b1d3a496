import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/domain/unified-diff.js';

// Expected outputs are what GNU diff -u prints for the same two files (without its timestamped header).
describe('unifiedDiff: what recovery-config --fix shows before it writes', () => {
  it('prints hunks with three lines of context, like diff -u', () => {
    const a = Array.from({ length: 12 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const b = a.replace('l2\n', 'L2\n').replace('l11\n', 'l11\nnew\n');
    expect(unifiedDiff('/f', a, b)).toBe(['--- /f', '+++ /f', '@@ -1,5 +1,5 @@', ' l1', '-l2', '+L2', ' l3', ' l4', ' l5', '@@ -9,4 +9,5 @@', ' l9', ' l10', ' l11', '+new', ' l12', ''].join('\n'));
    expect(unifiedDiff('/f', a, a)).toBe('');
  });

  it('a file that does not exist yet is diffed against /dev/null', () => {
    expect(unifiedDiff('/etc/agent.env', null, 'A=1\nB=2\n')).toBe(['--- /dev/null', '+++ /etc/agent.env', '@@ -0,0 +1,2 @@', '+A=1', '+B=2', ''].join('\n'));
  });

  it('emptying a file removes every line', () => {
    expect(unifiedDiff('/f', 'a\nb\n', '')).toBe(['--- /f', '+++ /f', '@@ -1,2 +0,0 @@', '-a', '-b', ''].join('\n'));
  });

  it('changes with at most six unchanged lines between them share one hunk', () => {
    const before = Array.from({ length: 10 }, (_, i) => `${i + 1}`).join('\n') + '\n';
    const after = before.replace('2\n', 'two\n').replace('8\n', 'eight\n');
    const diff = unifiedDiff('/f', before, after).split('\n');
    expect(diff.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,10 +1,10 @@']);
    expect(diff.slice(3, 6)).toEqual([' 1', '-2', '+two']);
  });

  it('a one-line range has no count, and a last line without newline is marked', () => {
    expect(unifiedDiff('/f', 'x\n', 'y\n')).toBe(['--- /f', '+++ /f', '@@ -1 +1 @@', '-x', '+y', ''].join('\n'));
    expect(unifiedDiff('/f', 'a\nb\n', 'a\nc')).toBe(['--- /f', '+++ /f', '@@ -1,2 +1,2 @@', ' a', '-b', '+c', '\\ No newline at end of file', ''].join('\n'));
  });

  it('a file that only gains or loses its final newline shows that line changed, as diff does', () => {
    expect(unifiedDiff('/f', 'a\nb\nc', 'a\nb\nc\n')).toBe(['--- /f', '+++ /f', '@@ -1,3 +1,3 @@', ' a', ' b', '-c', '\\ No newline at end of file', '+c', ''].join('\n'));
    expect(unifiedDiff('/f', 'a\nb\nc\n', 'a\nb\nc')).toBe(['--- /f', '+++ /f', '@@ -1,3 +1,3 @@', ' a', ' b', '-c', '+c', '\\ No newline at end of file', ''].join('\n'));
  });

  it('a removed last line without newline is marked where it stood', () => {
    expect(unifiedDiff('/f', 'x\n', 'y')).toBe(['--- /f', '+++ /f', '@@ -1 +1 @@', '-x', '+y', '\\ No newline at end of file', ''].join('\n'));
    expect(unifiedDiff('/f', 'x', 'y\n')).toBe(['--- /f', '+++ /f', '@@ -1 +1 @@', '-x', '\\ No newline at end of file', '+y', ''].join('\n'));
  });
});
