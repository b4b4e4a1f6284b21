// The content version is read by every page and public read, the user behind a token by every signed-in
// request: `sharedRead` makes one query serve all who ask at once, without ever handing a caller a
// value read before it asked.
import { describe, expect, it } from 'vitest';
import { sharedRead, sharedReadPerKey } from '../src/platform/database/shared-read.js';

/** A read whose answers the test releases one by one; each answer is the number of the read. */
function controlledReads() {
  const pending: (() => void)[] = [];
  let started = 0;
  const read = () =>
    new Promise<number>((resolve) => {
      started += 1;
      const number = started;
      pending.push(() => resolve(number));
    });
  return {
    read,
    started: () => started,
    finishNext: async () => {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('sharedRead', () => {
  it('lets callers that ask together share one read', async () => {
    const reads = controlledReads();
    const get = sharedRead(reads.read);
    const first = get();
    const answers = Promise.all([get(), get(), get()]);
    expect(reads.started()).toBe(1);
    await reads.finishNext();
    expect(await first).toBe(1);
    // The three asked while read 1 was under way: they wait for read 2, one read for all three.
    expect(reads.started()).toBe(2);
    await reads.finishNext();
    expect(await answers).toEqual([2, 2, 2]);
    expect(reads.started()).toBe(2);
  });

  it('never answers a caller with a read that started before it asked', async () => {
    const reads = controlledReads();
    const get = sharedRead(reads.read);
    const log: { askedAfterStart: number; answer: number }[] = [];
    const ask = () => {
      const startedBefore = reads.started();
      return get().then((answer) => log.push({ askedAfterStart: startedBefore, answer }));
    };
    const asking = [ask(), ask()];
    await reads.finishNext();
    asking.push(ask());
    await reads.finishNext();
    asking.push(ask(), ask());
    await reads.finishNext();
    await reads.finishNext();
    await Promise.all(asking);
    for (const entry of log) expect(entry.answer).toBeGreaterThan(entry.askedAfterStart);
    expect(reads.started()).toBeLessThanOrEqual(4);
  });

  it('starts afresh after a failed read', async () => {
    let calls = 0;
    const get = sharedRead(async () => {
      calls += 1;
      if (calls === 1) throw new Error('the database is away');
      return calls;
    });
    await expect(get()).rejects.toThrow('the database is away');
    expect(await get()).toBe(2);
  });

  it('fails those who asked during a failed read at once, without a second read', async () => {
    let calls = 0;
    let fail: (error: Error) => void = () => undefined;
    const get = sharedRead(
      () =>
        new Promise<number>((_resolve, reject) => {
          calls += 1;
          fail = reject;
        }),
    );
    const first = get();
    const during = get();
    fail(new Error('the database is away'));
    await expect(first).rejects.toThrow('the database is away');
    await expect(during).rejects.toThrow('the database is away');
    expect(calls).toBe(1);
  });
});

describe('sharedReadPerKey', () => {
  it('shares reads among the callers of one key only, and never with a read that started before they asked', async () => {
    const started: string[] = [];
    const pending: (() => void)[] = [];
    const get = sharedReadPerKey(
      (key: string) =>
        new Promise<string>((resolve) => {
          started.push(key);
          const number = started.length;
          pending.push(() => resolve(`${key}${number}`));
        }),
    );
    const finishAll = async () => {
      for (const finish of pending.splice(0)) finish();
      await new Promise((resolve) => setImmediate(resolve));
    };
    const first = get('a');
    const other = get('b');
    const together = Promise.all([get('a'), get('a')]);
    expect(started).toEqual(['a', 'b']);
    await finishAll();
    expect([await first, await other]).toEqual(['a1', 'b2']);
    // The two that asked for 'a' while its first read was under way share the next one.
    expect(started).toEqual(['a', 'b', 'a']);
    await finishAll();
    expect(await together).toEqual(['a3', 'a3']);
    // Nobody waits any more: the next caller starts a read of its own at once.
    const later = get('a');
    expect(started).toEqual(['a', 'b', 'a', 'a']);
    await finishAll();
    expect(await later).toBe('a4');
  });
});
