import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, test } from 'node:test';
import { DISPLAY_PROCESS_NICENESS, lowerPriority } from '../../src-main/engine/util/display-priority.js';

describe('lowering a display process\'s priority (the wall bench\'s --browser-niceness)', () => {
  test('lowerPriority changes a real process and reports the ones it cannot', async () => {
    // The child says when it runs: by then its threads (V8 workers, libuv pool) exist at priority 0.
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("ready"); setTimeout(() => {}, 20000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      const failed = lowerPriority([child.pid!, 2 ** 22 + 12345]);
      assert.equal(getPriority(child.pid!), DISPLAY_PROCESS_NICENESS);
      assert.deepEqual(failed, [2 ** 22 + 12345], 'a pid that does not exist is reported, not thrown');
      if (process.platform === 'linux') {
        // Niceness is per thread on Linux: Node's other threads (libuv pool, V8 platform workers) are lowered too.
        const threads = readdirSync(`/proc/${child.pid}/task`).map(Number);
        assert.ok(threads.length > 1, 'a Node process has more than one thread');
        for (const tid of threads) assert.equal(getPriority(tid), DISPLAY_PROCESS_NICENESS, `thread ${tid}`);
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});
