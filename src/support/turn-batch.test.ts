// TurnBatch: one send per event-loop turn, with what that turn added, in order.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TurnBatch } from './turn-batch.js';

describe('TurnBatch', () => {
  it('sends the items of one turn together once the turn ends, and the next turn’s apart', async () => {
    const sent: number[][] = [];
    const batch = new TurnBatch<number>((items) => sent.push(items));
    batch.add(1);
    batch.add(2);
    await Promise.resolve();
    batch.add(3); // a microtask of the same turn
    expect(sent).toEqual([]);
    await nextTurn();
    batch.add(4);
    await nextTurn();
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('sends at once on flush, and not again when the turn ends; clear forgets', async () => {
    const sent: string[][] = [];
    const batch = new TurnBatch<string>((items) => sent.push(items));
    batch.add('a');
    batch.flush();
    expect(sent).toEqual([['a']]);
    batch.add('b');
    batch.clear();
    batch.flush();
    await nextTurn();
    expect(sent).toEqual([['a']]);
  });
});
