import { asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../database/database.js';
import { jobs } from './jobs.table.js';

export type JobHandler = (payload: unknown) => Promise<void>;

export interface JobQueueOptions {
  /** How often the worker looks for due jobs that another instance (or a retry) left. */
  pollMs: number;
  /** How long a claimed job stays hidden from other workers; a worker that dies gives it back after this. */
  leaseSeconds: number;
  maxAttempts: number;
}

const DEFAULTS: JobQueueOptions = { pollMs: 2_000, leaseSeconds: 300, maxAttempts: 10 };

/**
 * Work done after the response, kept in the `jobs` table until it succeeds: a restart loses nothing,
 * and instances sharing the database each claim different rows (`FOR UPDATE SKIP LOCKED` plus a lease).
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly options: JobQueueOptions;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<number> | undefined;
  private started = false;

  constructor(
    private readonly db: Database,
    private readonly log: FastifyBaseLogger,
    options: Partial<JobQueueOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  handle(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Records a job, to run now or not before `runAt`. */
  async enqueue(kind: string, payload: object, options: { runAt?: Date } = {}): Promise<void> {
    await this.db.insert(jobs).values({ kind, payload, runAt: options.runAt });
    if (this.started && !options.runAt) this.schedule(0);
  }

  start(): void {
    this.started = true;
    this.schedule(0);
  }

  /** Stops polling and waits for the job under way, if any. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.draining;
  }

  /** Runs every job that is due now, one after another; resolves with how many ran. */
  runDue(): Promise<number> {
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.runDue()
        .catch((error: unknown) => this.log.error({ err: error }, 'job queue poll failed'))
        .finally(() => {
          if (this.started) this.schedule(this.options.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<number> {
    let count = 0;
    for (let job = await this.claim(); job; job = await this.claim()) {
      await this.run(job);
      count += 1;
    }
    return count;
  }

  private async claim() {
    const due = this.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(lte(jobs.runAt, sql`now()`))
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(1)
      .for('update', { skipLocked: true });
    const [job] = await this.db
      .update(jobs)
      .set({
        attempts: sql`${jobs.attempts} + 1`,
        runAt: sql`now() + make_interval(secs => ${this.options.leaseSeconds})`,
      })
      .where(inArray(jobs.id, due))
      .returning();
    return job;
  }

  private async run(job: typeof jobs.$inferSelect): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
      await handler(job.payload);
      await this.db.delete(jobs).where(eq(jobs.id, job.id));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const exhausted = job.attempts >= this.options.maxAttempts;
      // Exponential backoff from 5 s, capped at an hour. An exhausted job is kept, parked, for an operator.
      const delaySeconds = Math.min(5 * 2 ** (job.attempts - 1), 3_600);
      await this.db
        .update(jobs)
        .set({
          lastError: message,
          runAt: exhausted
            ? sql`'infinity'::timestamptz`
            : sql`now() + make_interval(secs => ${delaySeconds})`,
        })
        .where(eq(jobs.id, job.id));
      if (exhausted)
        this.log.error({ jobId: job.id, kind: job.kind, err: error }, 'job failed for the last time; parked');
      else
        this.log.warn(
          { jobId: job.id, kind: job.kind, attempt: job.attempts, retryInSeconds: delaySeconds, err: error },
          'job failed; will retry',
        );
    }
  }
}
