// lowerThisThreadPriority in a real worker thread: that thread's nice value changes, the thread that
// started it keeps its own (read from /proc, where Linux shows each thread's).
import { readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerThisThreadPriority, lowerThreadPriority, threadIdFromLink } from './thread-priority.js';
import { niceOf } from './shared.test-util.js';

const MODULE_URL = new URL('./thread-priority.ts', import.meta.url).href;

/**
 * Registers tsx (a worker does not inherit the test's loader), calls the function once per value of
 * `workerData.calls`, reports what each call returned and the thread's id, then stays alive until told to
 * stop, so /proc still lists the thread when the test reads it.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
import('tsx/esm/api')
  .then((tsx) => { tsx.register(); return import(workerData.module); })
  .then(({ lowerThisThreadPriority }) => {
    const returned = workerData.calls.map((nice) => lowerThisThreadPriority(nice));
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    parentPort.once('message', () => parentPort.close());
    parentPort.postMessage({ tid, returned });
  });
`;

interface ThreadReport {
  tid: number;
  returned: boolean[];
}

/** Runs the calls on a fresh thread; `inspect` sees that thread's nice value while it is still alive. */
async function onThread(
  calls: readonly number[],
  inspect: (threadNice: number, report: ThreadReport) => void,
): Promise<void> {
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { module: MODULE_URL, calls } });
  try {
    const report = await new Promise<ThreadReport>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the thread exited (code ${code}) before reporting`));
      });
    });
    inspect(niceOf(`/proc/self/task/${report.tid}/stat`), report);
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  } finally {
    await worker.terminate();
  }
}

describe.skipIf(process.platform !== 'linux')(
  'lowerThisThreadPriority (Linux only: a thread has its own nice value)',
  () => {
    const ownStat = '/proc/thread-self/stat';

    it('sets the calling thread’s nice value and leaves the thread that started it alone', async ({ skip }) => {
      const before = niceOf(ownStat);
      if (before === 19) skip('this test already runs at nice 19: there is nothing lower to set');
      const requested = Math.min(19, before + 7);

      await onThread([requested], (threadNice, { tid, returned }) => {
        expect(returned).toEqual([true]);
        expect(tid).not.toBe(Number(readlinkSync('/proc/thread-self').split('/').pop()));
        expect(threadNice).toBe(requested);
        expect(niceOf(ownStat)).toBe(before);
      });
      expect(niceOf(ownStat)).toBe(before);
    });

    it('returns false and changes nothing for a value setpriority cannot take', async () => {
      const before = niceOf(ownStat);

      await onThread([20, -21, 1.5], (threadNice, { returned }) => {
        expect(returned).toEqual([false, false, false]);
        // A new thread starts at the nice value of the thread that created it.
        expect(threadNice).toBe(before);
      });
      expect(niceOf(ownStat)).toBe(before);
    });
  },
);

describe.skipIf(process.platform === 'linux')('lowerThisThreadPriority elsewhere', () => {
  it('does nothing and says so', () => {
    expect(lowerThisThreadPriority(10)).toBe(false);
  });
});

describe('threadIdFromLink', () => {
  it('reads the thread id from what /proc/thread-self links to, and nothing else', () => {
    expect(threadIdFromLink('4242/task/4250')).toBe(4250);
    expect(threadIdFromLink('4242/task/0')).toBeNull();
    expect(threadIdFromLink('4242/task/')).toBeNull();
    expect(threadIdFromLink('4242/task/12.5')).toBeNull();
    expect(threadIdFromLink(4250)).toBeNull();
    expect(threadIdFromLink(null)).toBeNull();
  });

  it('lowers nothing without a thread id', () => {
    expect(lowerThreadPriority(null, 10)).toBe(false);
  });
});
