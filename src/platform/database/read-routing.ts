import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from './types.js';
import { isDatabaseUnavailable } from './driver-errors.js';

/**
 * Where a read may go. Outside a request (jobs, start-up) and in any request that writes, every read
 * goes to the primary. A read-only request may read from a replica, unless its client wrote something
 * the replica has not replayed yet (`after`, a WAL position of the primary).
 */
export type ReadScope = { replicaAllowed: true; after: bigint | undefined };

interface Logger {
  warn(payload: object, message: string): void;
}

interface ReplicaState {
  db: Database;
  /** The WAL position it had replayed when last asked, and when. */
  replayed: bigint;
  checkedAt: number;
  /** Skipped until then, after a failure. */
  downUntil: number;
}

/** How long a replica's replay position is believed before it is asked again. */
const REPLAY_CHECK_MS = 100;
/** How long a replica that failed is left alone before it is tried again. */
const DOWN_FOR_MS = 5_000;

/** `16/B374D848` -> a number that orders like the WAL. */
export function parseLsn(text: string): bigint {
  const [high = '0', low = '0'] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/**
 * Sends the reads that may be a moment old to the replicas, in turn, and everything else to the
 * primary. A replica that is behind the client's last write, or that fails, is passed over for the
 * primary: no request fails because a replica is away.
 */
export class ReadRouter {
  private readonly scopes = new AsyncLocalStorage<ReadScope>();
  private readonly replicas: ReplicaState[];
  private next = 0;
  /** Reads served by each replica (index) and by the primary, for the metrics and the tests. */
  readonly served = { primary: 0, replicas: [] as number[] };

  constructor(
    replicas: Database[],
    private readonly primary: Database,
    private readonly log: Logger,
  ) {
    this.replicas = replicas.map((db) => ({ db, replayed: 0n, checkedAt: 0, downUntil: 0 }));
    this.served.replicas = replicas.map(() => 0);
  }

  get hasReplicas(): boolean {
    return this.replicas.length > 0;
  }

  /** Runs `work` (a request's handling) with reads allowed on a replica that has replayed `after`. */
  allowReplica<T>(after: bigint | undefined, work: () => T): T {
    return this.scopes.run({ replicaAllowed: true, after }, work);
  }

  /** Whether this request may read any replica as it is (it has no write of its own to wait for). */
  anyReplicaWillDo(): boolean {
    const scope = this.scopes.getStore();
    return this.replicas.length > 0 && scope !== undefined && scope.after === undefined;
  }

  /** Runs `work` as a request that may read any replica would. */
  asAnyReplicaReader<T>(work: () => T): T {
    return this.scopes.run({ replicaAllowed: true, after: undefined }, work);
  }

  /** Runs `work` with every read on the primary. */
  onPrimary<T>(work: () => T): T {
    return this.scopes.exit(work);
  }

  /** The primary's current WAL position: a replica that has replayed it has every write made so far. */
  async primaryPosition(): Promise<bigint> {
    const result: unknown = await this.primary.execute(sql`SELECT pg_current_wal_lsn()::text AS lsn`);
    return parseLsn((result as { rows: { lsn: string }[] }).rows[0]?.lsn ?? '0/0');
  }

  /** Runs a read on the replica this request may use (`run(index)`), or on the primary (`run(undefined)`). */
  async read<T>(run: (replica: number | undefined) => Promise<T>): Promise<T> {
    const scope = this.scopes.getStore();
    const replica = scope ? await this.choose(scope.after) : undefined;
    if (replica === undefined) {
      this.served.primary += 1;
      return run(undefined);
    }
    try {
      const result = await run(replica);
      this.served.replicas[replica] = (this.served.replicas[replica] ?? 0) + 1;
      return result;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.markDown(replica, error);
      this.served.primary += 1;
      return run(undefined);
    }
  }

  private async choose(after: bigint | undefined): Promise<number | undefined> {
    const now = Date.now();
    for (let tried = 0; tried < this.replicas.length; tried += 1) {
      const index = this.next;
      this.next = (this.next + 1) % this.replicas.length;
      const replica = this.replicas[index]!;
      if (replica.downUntil > now) continue;
      if (after === undefined || (await this.hasReplayed(index, after))) return index;
    }
    return undefined;
  }

  private async hasReplayed(index: number, after: bigint): Promise<boolean> {
    const replica = this.replicas[index]!;
    if (replica.replayed >= after) return true;
    if (Date.now() - replica.checkedAt < REPLAY_CHECK_MS) return false;
    try {
      const result: unknown = await replica.db.execute(sql`SELECT pg_last_wal_replay_lsn()::text AS lsn`);
      replica.replayed = parseLsn((result as { rows: { lsn: string | null }[] }).rows[0]?.lsn ?? '0/0');
      replica.checkedAt = Date.now();
      return replica.replayed >= after;
    } catch (error) {
      this.markDown(index, error);
      return false;
    }
  }

  private markDown(index: number, error: unknown): void {
    const replica = this.replicas[index]!;
    if (replica.downUntil < Date.now()) {
      this.log.warn({ err: error, replica: index }, 'read replica unavailable; reading from the primary');
    }
    replica.downUntil = Date.now() + DOWN_FOR_MS;
  }
}
