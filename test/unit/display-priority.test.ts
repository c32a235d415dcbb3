import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getPriority } from 'node:os';
import { describe, test } from 'node:test';
import { DISPLAY_PROCESS_NICENESS, displayProcesses, lowerPriority } from '../../src-main/engine/util/display-priority.js';

describe('display priority: the window\'s processes yield to the engine', () => {
  const table = [
    { name: 'renderer, GPU and media utility are lowered; the main process (the engine) is not', processes: [{ pid: 100, type: 'Browser' }, { pid: 101, type: 'Tab' }, { pid: 102, type: 'GPU' }, { pid: 103, type: 'Utility' }], expected: [101, 102, 103] },
    { name: 'the main process is kept even if listed under another type', processes: [{ pid: 100, type: 'Tab' }, { pid: 104, type: 'Zygote' }], expected: [104] },
    { name: 'no pid (a process not started yet) is skipped', processes: [{ pid: 0, type: 'GPU' }, { pid: 105, type: 'Tab' }], expected: [105] },
    { name: 'nothing else running', processes: [{ pid: 100, type: 'Browser' }], expected: [] },
  ];
  for (const row of table) test(row.name, () => assert.deepEqual(displayProcesses(row.processes, 100), row.expected));

  test('lowerPriority changes a real process and reports the ones it cannot', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const failed = lowerPriority([child.pid!, 2 ** 22 + 12345]);
      assert.equal(getPriority(child.pid!), DISPLAY_PROCESS_NICENESS);
      assert.deepEqual(failed, [2 ** 22 + 12345], 'a pid that does not exist is reported, not thrown');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
