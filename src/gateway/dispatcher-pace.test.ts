// The dispatcher's pace hook runs between the batches of a drain, on a real store: after each full batch
// (with its duration), never after the short one that ends the drain.
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../store/temp-dirs.test-util.js';
import { dispatcherOnStore } from './dispatcher.test-util.js';

const tempDir = tempDirs('flowgate-pace-');

describe('Dispatcher pace', () => {
  it('is awaited after every full batch of a drain, with the batch’s duration, before the next is read', async () => {
    const paces: { batchMs: number; pending: number }[] = [];
    const { store, dispatcher, body } = await dispatcherOnStore(tempDir(), {
      pace: async (batchMs) => {
        paces.push({ batchMs, pending: (await store.inbox.counts()).pending });
      },
    });
    try {
      await store.inbox.append([1, 2, 3, 4, 5].map((receivedAt) => ({ body, headers: {}, receivedAt })));

      expect(await dispatcher.drain()).toMatchObject({ bodies: 5 });
      // Two full batches (then 3 and 1 rows were left), and the short last batch ends the drain unpaced.
      expect(paces.map((p) => p.pending)).toEqual([3, 1]);
      for (const { batchMs } of paces) expect(batchMs).toBeGreaterThan(0);
      expect(await store.inbox.counts()).toEqual({ total: 5, pending: 0 });
    } finally {
      await store.close();
    }
  });
});
