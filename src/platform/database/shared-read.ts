// Reads that concurrent requests share instead of each sending the same query.

/**
 * A read that callers share: whoever asks while a read is under way waits for the next one, which
 * starts when it ends. Every caller gets a value read after it asked (nothing older), and however many
 * ask at once, one query at a time reaches the database.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const started: Promise<T> = read().finally(() => {
      if (running === started) running = undefined;
    });
    running = started;
    return started;
  };
  return () => {
    if (!running) return start();
    // Those who asked while a read was under way get the next one; if that read failed, they get its
    // failure at once: a second read would only wait out the same timeout (PostgreSQL away).
    next ??= running.then(
      () => {
        next = undefined;
        return start();
      },
      (error: unknown) => {
        next = undefined;
        throw error;
      },
    );
    return next;
  };
}

/**
 * `sharedRead` for each key: the callers asking for the same key at once share its reads (the user
 * behind the tokens of one client's concurrent requests), with the same promise, a value read after
 * they asked. A key is forgotten as soon as nobody waits for it.
 */
export function sharedReadPerKey<K, T>(read: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const keys = new Map<K, { get: () => Promise<T>; waiting: number }>();
  return (key) => {
    let shared = keys.get(key);
    if (!shared) {
      shared = { get: sharedRead(() => read(key)), waiting: 0 };
      keys.set(key, shared);
    }
    const entry = shared;
    entry.waiting += 1;
    return entry.get().finally(() => {
      entry.waiting -= 1;
      if (entry.waiting === 0 && keys.get(key) === entry) keys.delete(key);
    });
  };
}
