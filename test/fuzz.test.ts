/**
 * Property-based fuzzing of every operation of the app's own OpenAPI document.
 *
 * For each path and method of `/openapi.json`, fast-check generates requests: path ids (the caller's
 * own, someone else's, absent, 0, negative, huge, non-numeric, unicode), query strings (valid, boundary,
 * garbage, huge numbers, repeated keys), bodies (valid per the documented schema, boundary lengths, wrong
 * types, missing and extra fields, strings up to ~200 KB, JSON nested 1000+ deep, lone surrogates and
 * NUL, non-JSON text, empty bodies, other content types, multipart for the picture and login routes) and
 * Authorization headers (a seeded user's valid token, none, garbage, forged). Every answer must be below
 * 500, JSON under /api, and match the documented response schema of its status (413 and 429 may be
 * undocumented but must be `{detail: string}`). At the end the database invariants kept by the declared
 * counters (src/platform/database/derived.ts) must hold, and nothing may be orphaned.
 *
 * Violations are collected rather than thrown at the first one, so that one run lists every distinct
 * problem (per operation, status and kind) with its smallest request. Input classes that every operation
 * shares are fuzzed in tests of their own below, so that one cross-cutting defect shows up once and not in
 * every operation: path segments the router refuses (malformed percent-encoding, over 100 characters) and
 * malformed Content-Type headers. Hostile Unicode in string fields (lone surrogates, NUL) is in the
 * per-operation runs and, to be sure every field gets it, in a test of its own as well.
 *
 * Two tiers. `npm test` runs a twentieth of the requests (about 2,000) from a fixed seed, so that the
 * default run is quick and the same every time. `npm run test:fuzz` (FUZZ=full, in CI) runs them all
 * (20,000+) from a new random seed, printed. Replay a run with FUZZ_SEED=<the printed seed>;
 * FUZZ_SCALE sets the share of the requests (1 is the full run).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { SignJWT, base64url, decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/passwords.js';
import { createAccessTokens } from '../src/auth/tokens.js';
import { passwordResetTokens } from '../src/auth/reset-tokens.table.js';
import { postLikes, posts } from '../src/posts/posts.table.js';
import { users } from '../src/users/users.table.js';
import { SVG_IMAGE, TEXT_FILE, bigBody, bmpFile, pngDeclaring, solidImage } from './support/index.js';
import { TEST_SECRET_KEY, createTestApp } from './support/index.js';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const FULL = process.env.FUZZ === 'full';
const FIXED_SEED = 20_261_202;
const SEED =
  process.env.FUZZ_SEED !== undefined
    ? Number(process.env.FUZZ_SEED)
    : FULL
      ? randomBytes(4).readInt32LE(0)
      : FIXED_SEED;
if (!Number.isSafeInteger(SEED))
  throw new Error(`FUZZ_SEED must be an integer, not ${process.env.FUZZ_SEED}`);
const SCALE = Number(process.env.FUZZ_SCALE ?? (FULL ? '1' : '0.05'));
if (!(SCALE > 0)) throw new Error(`FUZZ_SCALE must be a positive number, not ${process.env.FUZZ_SCALE}`);
console.log(`fuzz seed: ${SEED} (replay with FUZZ_SEED=${SEED})`);

/** Requests per operation, by cost: Argon2 (~20 ms a hash) and sharp routes get fewer runs. */
const DEFAULT_RUNS = 1_100;
const RUNS: Record<string, number> = {
  'POST /api/users': 300,
  'POST /api/users/token': 300,
  'POST /api/users/reset-password': 250,
  'PATCH /api/users/me/password': 250,
  'PATCH /api/users/{user_id}/picture': 600,
};
const MIN_TOTAL_REQUESTS = 20_000;
/** A small upload limit, so that over-limit pictures cost little. */
const UPLOAD_LIMIT = 64 * 1024;
const ACTORS = 4;
const PASSWORD = 'fuzz password 1';
const OTHER_KEY = new TextEncoder().encode('another-secret-key-that-the-app-does-not-know!');

// ---------------------------------------------------------------------------------------------
// The app and its OpenAPI document (read at collection time: the tests are made from it)
// ---------------------------------------------------------------------------------------------

const t = await createTestApp({ MAX_UPLOAD_SIZE_BYTES: String(UPLOAD_LIMIT) });
const db = t.app.database.db;
const accessTokens = createAccessTokens(t.app.config.jwt);

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  additionalProperties?: boolean;
}
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface MediaType {
  schema?: JsonSchema;
}
interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
  security?: unknown[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

interface Operation {
  key: string;
  method: Method;
  path: string;
  spec: OperationObject;
  pathParams: Parameter[];
  queryParams: Parameter[];
  bodyTypes: string[];
  /** Response validators by status. `null`: documented without a body. */
  responses: Map<number, ValidateFunction | null>;
}

const ajv = new Ajv({ strict: false, allErrors: true, formats: { 'feed-cursor': true, binary: true } });
addFormats.default(ajv);

/** The documented shapes are closed: a field that is not documented (a leak) is a mismatch too. */
function closed(schema: JsonSchema): JsonSchema {
  const copy: JsonSchema = { ...schema };
  if (copy.properties) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, closed(v)]));
    copy.additionalProperties ??= false;
  }
  if (copy.items) copy.items = closed(copy.items);
  if (copy.anyOf) copy.anyOf = copy.anyOf.map(closed);
  return copy;
}

const documentResponse = await t.app.inject('/openapi.json');
const openApi = documentResponse.json<OpenApiDocument>();
const operations: Operation[] = [];
for (const [path, item] of Object.entries(openApi.paths)) {
  for (const method of METHODS) {
    const spec = item[method];
    if (!spec) continue;
    const responses = new Map<number, ValidateFunction | null>();
    for (const [status, response] of Object.entries(spec.responses)) {
      const schema = response.content?.['application/json']?.schema;
      responses.set(Number(status), schema ? ajv.compile(closed(schema)) : null);
    }
    operations.push({
      key: `${method.toUpperCase()} ${path}`,
      method,
      path,
      spec,
      pathParams: (spec.parameters ?? []).filter((p) => p.in === 'path'),
      queryParams: (spec.parameters ?? []).filter((p) => p.in === 'query'),
      bodyTypes: Object.keys(spec.requestBody?.content ?? {}),
      responses,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Counting every request, and checking every answer
// ---------------------------------------------------------------------------------------------

const stats = {
  total: 0,
  serverErrors: 0,
  unanswered: 0,
  byStatus: new Map<number, number>(),
  byOperation: new Map<string, Map<number, number>>(),
};
const bump = (counts: Map<number, number>, status: number) =>
  counts.set(status, (counts.get(status) ?? 0) + 1);
const histogram = (counts: Map<number, number>) =>
  [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');

type Reply = Awaited<ReturnType<typeof t.app.inject>>;

/** A request as sent by `inject`. */
interface Built {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer | undefined;
}

/** A request that gets no answer at all in this time is a defect of its own (and must not stall the run). */
const ANSWER_TIMEOUT_MS = 10_000;

/** The answer, or undefined when none came within ANSWER_TIMEOUT_MS. */
async function inject(options: Built): Promise<Reply | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ANSWER_TIMEOUT_MS);
  });
  const reply = await Promise.race([t.app.inject(options), late]).finally(() => clearTimeout(timer));
  stats.total += 1;
  if (!reply) {
    stats.unanswered += 1;
    return undefined;
  }
  bump(stats.byStatus, reply.statusCode);
  if (reply.statusCode >= 500) stats.serverErrors += 1;
  return reply;
}

const UNDOCUMENTED_ALLOWED = new Set([413, 429]);
const detailOnly = ajv.compile({
  type: 'object',
  required: ['detail'],
  properties: { detail: { type: 'string' } },
  additionalProperties: false,
});

/** What is wrong with an answer, as a short kind (for grouping) and details; undefined when fine. */
function problemWith(
  operation: Operation,
  url: string,
  reply: Reply | undefined,
): { kind: string; why: string } | undefined {
  if (!reply) return { kind: `no answer within ${ANSWER_TIMEOUT_MS / 1000} s`, why: 'the request hangs' };
  const status = reply.statusCode;
  const type = String(reply.headers['content-type'] ?? '');
  if (status >= 500) return { kind: `${status} server error`, why: reply.body.slice(0, 300) };
  if (status === 204) {
    return reply.body === '' ? undefined : { kind: '204 with a body', why: reply.body.slice(0, 300) };
  }
  const documented = operation.responses.has(status);
  const validate = operation.responses.get(status);
  const mustBeJson = url.startsWith('/api') || Boolean(validate) || !documented;
  let body: unknown;
  if (mustBeJson) {
    if (!/^application\/json\b/.test(type)) {
      return { kind: `${status} not JSON (${type || 'no content type'})`, why: reply.body.slice(0, 300) };
    }
    try {
      body = JSON.parse(reply.body);
    } catch {
      return { kind: `${status} invalid JSON`, why: reply.body.slice(0, 300) };
    }
  }
  if (!documented) {
    if (UNDOCUMENTED_ALLOWED.has(status) && detailOnly(body)) return undefined;
    return { kind: `${status} undocumented status`, why: reply.body.slice(0, 300) };
  }
  if (validate === null) {
    return reply.body === ''
      ? undefined
      : { kind: `${status} body where none is documented`, why: reply.body };
  }
  if (validate && !validate(body)) {
    return {
      kind: `${status} does not match the documented schema`,
      why: `${ajv.errorsText(validate.errors)}; body: ${reply.body.slice(0, 300)}`,
    };
  }
  return undefined;
}

function describeRequest(options: Built): string {
  const payload = options.payload;
  const headers = { ...options.headers };
  if (headers.authorization && headers.authorization.length > 80) {
    headers.authorization = `${headers.authorization.slice(0, 60)}... (${headers.authorization.length} chars)`;
  }
  const url = options.url;
  const shownUrl = url.length > 300 ? `${url.slice(0, 300)}... (${url.length} chars)` : url;
  let shownPayload = '';
  if (payload !== undefined) {
    const text = Buffer.isBuffer(payload) ? payload.toString('latin1') : payload;
    const length = Buffer.isBuffer(payload) ? payload.length : Buffer.byteLength(payload);
    shownPayload = ` payload(${length} bytes)=${JSON.stringify(text.slice(0, 300))}${length > 300 ? '...' : ''}`;
  }
  return `${String(options.method)} ${shownUrl} headers=${JSON.stringify(headers)}${shownPayload}`;
}

/** Distinct problems of one test, each with how often it happened and its smallest request. */
class Violations {
  private readonly found = new Map<string, { count: number; size: number; example: string; why: string }>();

  record(operation: Operation, options: Built, reply: Reply | undefined): void {
    const counts = stats.byOperation.get(operation.key) ?? new Map<number, number>();
    // Unanswered requests are counted under status 0.
    stats.byOperation.set(operation.key, bump(counts, reply?.statusCode ?? 0));
    const problem = problemWith(operation, options.url, reply);
    if (!problem) return;
    const key = `${operation.key} -> ${problem.kind}`;
    const size = options.url.length + (options.payload?.length ?? 0);
    const known = this.found.get(key);
    if (!known || size < known.size) {
      this.found.set(key, {
        count: (known?.count ?? 0) + 1,
        size,
        example: describeRequest(options),
        why: problem.why,
      });
    } else {
      known.count += 1;
    }
  }

  report(): string[] {
    return [...this.found].map(
      ([key, { count, example, why }]) => `${key} (${count}x); smallest request: ${example}; answer: ${why}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The world: seeded users with valid tokens, posts, likes and reset tokens, kept usable while the
// fuzzer deletes users and changes passwords.
// ---------------------------------------------------------------------------------------------

interface Actor {
  id: number;
  username: string;
  email: string;
  tokenVersion: number;
  token: string;
  resetToken: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** What a generated value stands for, resolved when the request is sent (ids and tokens change). */
type RefKind = 'email' | 'emailUpper' | 'password' | 'username' | 'usernameUpper' | 'resetToken' | 'cursor';
class Ref {
  constructor(
    readonly what: RefKind,
    readonly index: number,
  ) {}
}
/** JSON text inserted as it is (numbers JSON.stringify cannot write, deep nesting, broken JSON). */
class RawJson {
  constructor(readonly text: string) {}
}

class World {
  actors: Actor[] = [];
  userIds: number[] = [];
  posts: { id: number; userId: number; datePosted: Date }[] = [];
  maxUserId = 0;
  maxPostId = 0;
  private seedHash = '';
  private serial = 0;

  async init(): Promise<void> {
    this.seedHash = await hashPassword(PASSWORD);
    for (let slot = 0; slot < ACTORS; slot += 1) this.actors.push(await this.newActor());
    // Bystanders: users who are no actor, with posts of their own.
    const bystanders = await db
      .insert(users)
      .values(
        Array.from({ length: 4 }, (_, i) => ({
          username: `fz_bystander_${i}`,
          email: `fz-bystander-${i}@example.com`,
          passwordHash: this.seedHash,
        })),
      )
      .returning({ id: users.id });
    const authors = [...this.actors.map((a) => a.id), ...bystanders.map((b) => b.id)];
    await this.writePosts(authors, 8);
    const all = await db.select({ id: posts.id }).from(posts);
    await db
      .insert(postLikes)
      .values(
        all.flatMap((post, i) =>
          this.actors
            .filter((_, a) => (i + a) % 3 === 0)
            .map((actor) => ({ postId: post.id, userId: actor.id })),
        ),
      );
    await this.refresh();
  }

  private async writePosts(authors: number[], each: number): Promise<void> {
    await db.insert(posts).values(
      authors.flatMap((userId) =>
        Array.from({ length: each }, (_, i) => ({
          userId,
          title: i % 3 === 0 ? null : `seeded post ${i}`,
          content: `seeded content ${i} of user ${userId}`,
        })),
      ),
    );
  }

  private async newActor(): Promise<Actor> {
    this.serial += 1;
    const [row] = await db
      .insert(users)
      .values({
        username: `fz_actor_${this.serial}`,
        email: `fz-actor-${this.serial}@example.com`,
        passwordHash: this.seedHash,
      })
      .returning();
    const actor: Actor = {
      id: row!.id,
      username: row!.username,
      email: row!.email,
      tokenVersion: row!.tokenVersion,
      token: await accessTokens.issue(row!),
      resetToken: '',
    };
    await this.giveResetToken(actor);
    return actor;
  }

  private async giveResetToken(actor: Actor): Promise<void> {
    actor.resetToken = randomBytes(32).toString('base64url');
    await db.insert(passwordResetTokens).values({
      userId: actor.id,
      tokenHash: sha256(actor.resetToken),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  }

  /** Brings the actors back (deleted ones replaced, passwords restored, tokens re-issued) and reloads the pools. */
  async refresh(): Promise<void> {
    const ids = this.actors.map((a) => a.id);
    const rows = await db.select().from(users).where(inArray(users.id, ids));
    const withToken = new Set(
      (
        await db
          .select({ userId: passwordResetTokens.userId })
          .from(passwordResetTokens)
          .where(and(inArray(passwordResetTokens.userId, ids), gt(passwordResetTokens.expiresAt, sql`now()`)))
      ).map((r) => r.userId),
    );
    for (const [slot, actor] of this.actors.entries()) {
      const row = rows.find((r) => r.id === actor.id);
      if (!row) {
        this.actors[slot] = await this.newActor();
        continue;
      }
      if (row.passwordHash !== this.seedHash) {
        await db.update(users).set({ passwordHash: this.seedHash }).where(eq(users.id, row.id));
      }
      actor.username = row.username;
      actor.email = row.email;
      if (row.tokenVersion !== actor.tokenVersion) {
        actor.tokenVersion = row.tokenVersion;
        actor.token = await accessTokens.issue(row);
      }
      if (!withToken.has(actor.id)) await this.giveResetToken(actor);
    }
    // Long posts (written by the fuzzer) go, or every page would weigh megabytes.
    await db.delete(posts).where(sql`length(${posts.content}) > 2000`);
    let postRows = await db
      .select({ id: posts.id, userId: posts.userId, datePosted: posts.datePosted })
      .from(posts)
      .orderBy(desc(posts.id))
      .limit(400);
    if (postRows.length < 16) {
      await this.writePosts(
        this.actors.map((a) => a.id),
        4,
      );
      postRows = await db
        .select({ id: posts.id, userId: posts.userId, datePosted: posts.datePosted })
        .from(posts)
        .orderBy(desc(posts.id))
        .limit(400);
    }
    this.posts = postRows;
    this.userIds = (await db.select({ id: users.id }).from(users).orderBy(desc(users.id)).limit(200)).map(
      (r) => r.id,
    );
    const [max] = await db
      .select({
        user: sql<number>`(SELECT coalesce(max(id), 0) FROM users)::int`,
        post: sql<number>`(SELECT coalesce(max(id), 0) FROM posts)::int`,
      })
      .from(sql`(SELECT 1) AS one`);
    this.maxUserId = Math.max(this.maxUserId, Number(max!.user));
    this.maxPostId = Math.max(this.maxPostId, Number(max!.post));
  }

  actor(index: number): Actor {
    return this.actors[index % this.actors.length]!;
  }

  resolve(ref: Ref): string {
    const actor = this.actor(ref.index);
    switch (ref.what) {
      case 'email':
        return actor.email;
      case 'emailUpper':
        return actor.email.toUpperCase();
      case 'password':
        return PASSWORD;
      case 'username':
        return actor.username;
      case 'usernameUpper':
        return actor.username.toUpperCase();
      case 'resetToken':
        return actor.resetToken;
      case 'cursor': {
        const post = this.posts[ref.index % this.posts.length]!;
        return `${post.datePosted.toISOString()}_${post.id}`;
      }
    }
  }

  idSegment(name: string, plan: IdPlan, actorIndex: number): string {
    const actor = this.actor(actorIndex);
    const isPost = name === 'post_id';
    switch (plan.kind) {
      case 'own': {
        if (!isPost) return String(actor.id);
        const own = this.posts.filter((p) => p.userId === actor.id);
        const pool = own.length > 0 ? own : this.posts;
        return String(pool[plan.pick % pool.length]!.id);
      }
      case 'existing':
        return isPost
          ? String(this.posts[plan.pick % this.posts.length]!.id)
          : String(this.userIds[plan.pick % this.userIds.length]!);
      case 'missing':
        return String((isPost ? this.maxPostId : this.maxUserId) + 1_000 + plan.offset);
      case 'literal':
        return plan.segment;
    }
  }

  async authorization(plan: AuthPlan): Promise<string | undefined> {
    switch (plan.kind) {
      case 'none':
        return undefined;
      case 'raw':
        return plan.value;
      case 'actor':
        return `${plan.scheme} ${this.actor(plan.actor).token}`;
      case 'forged':
        return `Bearer ${await this.forge(this.actor(plan.actor), plan.how)}`;
    }
  }

  private async forge(actor: Actor, how: ForgeKind): Promise<string> {
    const claims = decodeJwt(actor.token);
    const now = Math.floor(Date.now() / 1000);
    const sign = (payload: Record<string, unknown>, key: Uint8Array, alg = 'HS256') =>
      new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
    const realKey = new TextEncoder().encode(TEST_SECRET_KEY);
    switch (how) {
      case 'other-key':
        return sign(claims, OTHER_KEY);
      case 'alg-none':
        return `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}.`;
      case 'expired':
        return sign({ ...claims, iat: now - 7_200, exp: now - 3_600 }, realKey);
      case 'bad-signature': {
        const last = actor.token.at(-2) === 'A' ? 'B' : 'A';
        return `${actor.token.slice(0, -2)}${last}${actor.token.at(-1)}`;
      }
      case 'truncated':
        return actor.token.slice(0, actor.token.lastIndexOf('.'));
      case 'unknown-user':
        return sign({ ...claims, sub: String(this.maxUserId + 5_000) }, realKey);
      case 'newer-version':
        return sign({ ...claims, ver: Number(claims.ver) + 1 }, realKey);
      case 'bad-subject':
        return sign({ ...claims, sub: '1e3' }, realKey);
      case 'hs512':
        return sign(claims, realKey, 'HS512');
      case 'no-expiry': {
        const rest: Record<string, unknown> = { ...claims };
        delete rest.exp;
        return sign(rest, realKey);
      }
    }
  }
}

const world = new World();
await world.init();

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

type ForgeKind =
  | 'other-key'
  | 'alg-none'
  | 'expired'
  | 'bad-signature'
  | 'truncated'
  | 'unknown-user'
  | 'newer-version'
  | 'bad-subject'
  | 'hs512'
  | 'no-expiry';
type AuthPlan =
  | { kind: 'actor'; actor: number; scheme: string }
  | { kind: 'none' }
  | { kind: 'raw'; value: string }
  | { kind: 'forged'; actor: number; how: ForgeKind };
type IdPlan =
  | { kind: 'own'; pick: number }
  | { kind: 'existing'; pick: number }
  | { kind: 'missing'; offset: number }
  | { kind: 'literal'; segment: string };
interface QueryEntry {
  key: string;
  value: string | Ref;
  /** Sent exactly as written (odd but legal URL text such as `%FF`), not percent-encoded. */
  raw: boolean;
}
type FileKind = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'svg' | 'text' | 'bomb' | 'empty';
type FilePlan =
  | { kind: FileKind }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'big'; size: number }
  | { kind: 'cut-png'; at: number };
interface PartPlan {
  name: string;
  value: string | Ref | FilePlan;
  filename?: string | undefined;
  type?: string | undefined;
}
type MultipartMode = 'ok' | 'no-boundary' | 'wrong-boundary' | 'truncated' | 'no-final' | 'bad-headers';
type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | undefined }
  | { kind: 'text'; text: string | Uint8Array; contentType: string | undefined }
  | { kind: 'form'; fields: [string, unknown][]; tail: string; contentType: string }
  | { kind: 'multipart'; parts: PartPlan[]; mode: MultipartMode; cut: number };
interface RequestPlan {
  auth: AuthPlan;
  ids: Record<string, IdPlan>;
  query: QueryEntry[];
  body: BodyPlan;
}

const ref = (what: RefKind) => fc.nat({ max: 63 }).map((index) => new Ref(what, index));

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const nastyChar = fc.constantFrom(
  '\u202e',
  '\ufeff',
  '\uffff',
  '\u2028',
  '"',
  '\\',
  '<',
  '>',
  '&',
  "'",
  '%',
  '\r\n',
  '\t',
  'e\u0301',
  '𝕏',
  '👩‍👩‍👧',
  'İ',
  '\u00a0',
  '\u0085',
  '\u200b',
  '\u0001',
);
/** Any text a person could send, without NUL or lone surrogates. */
const cleanChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: nastyChar },
);
/** Also NUL and lone surrogates, which PostgreSQL and UTF-8 cannot hold. */
const hostileChar = fc.oneof(
  { weight: 4, arbitrary: cleanChar },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constant('\u0000') },
);
const cleanText = (minLength: number, maxLength: number) =>
  fc.string({ unit: cleanChar, minLength, maxLength });
const hostileText = (minLength: number, maxLength: number) =>
  fc.string({ unit: hostileChar, minLength, maxLength });
const ascii = (length: number) => 'x'.repeat(Math.max(0, length));
/** Up to ~200 KB of one repeated (possibly hostile) unit. */
const hugeText = fc
  .tuple(fc.integer({ min: 10_000, max: 200_000 }), hostileText(1, 3))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
const deepJson = fc
  .tuple(fc.integer({ min: 1_000, max: 5_000 }), fc.constantFrom('array', 'object', 'mixed', 'unclosed'))
  .map(([depth, style]) => {
    switch (style) {
      case 'array':
        return new RawJson('['.repeat(depth) + ']'.repeat(depth));
      case 'object':
        return new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
      case 'mixed':
        return new RawJson('[{"a":'.repeat(depth) + 'null' + '}]'.repeat(depth));
      default:
        return new RawJson('['.repeat(depth));
    }
  });
const oddJson = fc.constantFrom(
  new RawJson('1e400'),
  new RawJson('-0'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('"\\ud800"'),
  new RawJson('"\\udfff\\ud800"'),
  new RawJson('"\\udc00\\udc00"'),
  new RawJson('"\\u0000"'),
  new RawJson('"a\\u0000b"'),
  new RawJson('"\\uFFFF"'),
);
const uniqueEmail = fc.nat({ max: 1_000_000_000 }).map((n) => `fuzz${n}@example.com`);
const emailOfLength = (length: number) => `${ascii(length - '@example.com'.length)}@example.com`;

/** A value of the wrong type, size or content for any field. */
function hostileValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const bounds: string[] = [];
  if (schema.minLength !== undefined && schema.minLength > 0) bounds.push(ascii(schema.minLength - 1));
  if (schema.maxLength !== undefined) {
    bounds.push(ascii(schema.maxLength + 1));
    if (schema.format === 'email') bounds.push(emailOfLength(schema.maxLength + 1));
  }
  return fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.array(cleanText(0, 5), { maxLength: 3 }),
    fc.dictionary(cleanText(0, 5), cleanText(0, 5), { maxKeys: 3 }),
    hostileText(0, 40),
    hostileText(0, 5).map((s) => `${s}\u0000${s}`),
    loneSurrogate,
    hugeText,
    deepJson,
    oddJson,
    bounds.length > 0 ? fc.constantFrom(...bounds) : fc.constant(''),
  );
}

function stringValue(name: string, schema: JsonSchema): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  if (schema.format === 'email') {
    return fc.oneof(
      { weight: 3, arbitrary: uniqueEmail },
      { weight: 2, arbitrary: ref('email') },
      { weight: 1, arbitrary: ref('emailUpper') },
      { weight: 1, arbitrary: fc.emailAddress().filter((e) => e.length <= max) },
      { weight: 1, arbitrary: fc.constant(emailOfLength(max)) },
    );
  }
  if (name.includes('password')) {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(new Ref('password', 0)) },
      { weight: 3, arbitrary: cleanText(min, Math.min(max, 40)) },
      { weight: 1, arbitrary: fc.constantFrom(ascii(min), ascii(max)) },
    );
  }
  if (name === 'token') {
    return fc.oneof(
      ref('resetToken'),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url')),
      cleanText(0, 60),
      fc.constant(ascii(max)),
    );
  }
  if (name === 'username') {
    return fc.oneof(
      { weight: 4, arbitrary: cleanText(Math.max(min, 1), Math.min(max, 30)) },
      { weight: 1, arbitrary: ref('username') },
      { weight: 1, arbitrary: ref('usernameUpper') },
      { weight: 1, arbitrary: fc.constant(ascii(max)) },
      { weight: 1, arbitrary: fc.nat().map((n) => `fuzz_user_${n}`) },
    );
  }
  const lengths = [min, ...(schema.maxLength === undefined ? [] : [max])].filter((n) => n > 0);
  return fc.oneof(
    { weight: 5, arbitrary: cleanText(min, Math.min(max, 60)) },
    { weight: 1, arbitrary: lengths.length > 0 ? fc.constantFrom(...lengths.map(ascii)) : fc.constant('') },
    // Astral characters count once each: a full-length title of them is still valid.
    { weight: 1, arbitrary: fc.constant('𝕏'.repeat(Math.max(min, Math.min(max, 100)))) },
  );
}

function validValue(name: string, schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validValue(name, s)));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'boolean':
      return fc.boolean();
    case 'object':
      return objectValue(schema);
    case 'string':
      return stringValue(name, schema);
    default:
      return fc.constant(null);
  }
}

function objectValue(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(schema.properties ?? {})) model[key] = validValue(key, value);
  return fc.record(model, { requiredKeys: schema.required ?? [] });
}

const EXTRA_KEYS = [
  'id',
  'user_id',
  'likes',
  'author',
  'email',
  'password_hash',
  'token_version',
  'image_file',
  'is_admin',
  'constructor',
  'prototype',
  '__proto__',
];
const jsonish = fc.oneof(fc.integer(), cleanText(0, 10), fc.boolean(), fc.constant(null), fc.constant({}));

/** An object body: valid, or valid but for one field, a missing field, or extra fields. */
function objectBody(schema: JsonSchema): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {});
  const valid = objectValue(schema);
  const variants: fc.WeightedArbitrary<unknown>[] = [
    { weight: 6, arbitrary: valid },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.dictionary(fc.constantFrom(...EXTRA_KEYS), jsonish, { minKeys: 1, maxKeys: 4 }))
        .map(([body, extra]) => ({ ...extra, ...body })),
    },
  ];
  if (keys.length > 0) {
    const field = fc.constantFrom(...keys);
    variants.push({
      weight: 6,
      arbitrary: fc
        .tuple(valid, field)
        .chain(([body, key]) =>
          hostileValue(schema.properties![key]!).map((value) => ({ ...body, [key]: value })),
        ),
    });
    variants.push({
      weight: 2,
      arbitrary: fc.tuple(valid, field).map(([body, key]) => {
        const copy = { ...body };
        delete copy[key];
        return copy;
      }),
    });
  }
  return fc.oneof(...variants);
}

const token = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-+.'),
  minLength: 1,
  maxLength: 12,
});
/** Well-formed media types only: malformed Content-Type headers have a test of their own. */
const mediaType = fc
  .tuple(token, token, fc.option(fc.tuple(token, token), { nil: undefined }))
  .map(
    ([type, subtype, parameter]) =>
      `${type}/${subtype}${parameter ? `; ${parameter[0]}=${parameter[1]}` : ''}`,
  );
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 2, arbitrary: fc.constant<string | undefined>(undefined) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/merge-patch+json',
      'text/plain',
      'text/plain; charset=utf-8',
      'text/html',
      'application/xml',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzzboundary',
      'multipart/form-data',
      'image/png',
    ),
  },
  { weight: 1, arbitrary: mediaType },
);

/** Bodies that are no JSON object at all. */
const junkBody: fc.Arbitrary<BodyPlan> = fc.oneof(
  fc.constant<BodyPlan>({ kind: 'none' }),
  fc.record({ kind: fc.constant('text' as const), text: fc.constant(''), contentType }),
  fc.record({
    kind: fc.constant('json' as const),
    value: fc.oneof(jsonish, fc.array(jsonish, { maxLength: 3 }), oddJson, deepJson),
    contentType,
  }),
  fc.record({
    kind: fc.constant('json' as const),
    value: deepJson,
    contentType: fc.constant('application/json'),
  }),
  fc.record({ kind: fc.constant('text' as const), text: hostileText(1, 80), contentType }),
  fc.record({ kind: fc.constant('text' as const), text: hugeText, contentType }),
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.uint8Array({ minLength: 1, maxLength: 300 }),
    contentType,
  }),
  fc.record({
    kind: fc.constant('text' as const),
    // A JSON object whose string holds bytes that are no UTF-8.
    text: fc
      .uint8Array({ minLength: 1, maxLength: 20 })
      .map((bytes) =>
        Buffer.concat([
          Buffer.from('{"content":"'),
          Buffer.from(bytes.map((b) => b | 0x80)),
          Buffer.from('"}'),
        ]),
      ),
    contentType: fc.constant('application/json'),
  }),
);

function jsonBody(schema: JsonSchema): fc.Arbitrary<BodyPlan> {
  const asJson = fc.record({ kind: fc.constant('json' as const), value: objectBody(schema), contentType });
  const asForm = fc.record({
    kind: fc.constant('form' as const),
    fields: objectValue(schema).map((body) => Object.entries(body)),
    tail: fc.constant(''),
    contentType: fc.constant('application/x-www-form-urlencoded'),
  });
  return fc.oneof(
    { weight: 14, arbitrary: asJson },
    { weight: 1, arbitrary: asForm },
    { weight: 1, arbitrary: multipartBody(fieldParts(schema)) },
    { weight: 3, arbitrary: junkBody },
  );
}

function fieldParts(schema: JsonSchema): fc.Arbitrary<PartPlan[]> {
  return objectValue(schema).map((body) =>
    Object.entries(body).map(([name, value]) => ({
      name,
      value: value instanceof Ref ? value : typeof value === 'string' ? value : JSON.stringify(value),
    })),
  );
}

const multipartMode = fc.oneof(
  { weight: 8, arbitrary: fc.constant<MultipartMode>('ok') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<MultipartMode>(
      'no-boundary',
      'wrong-boundary',
      'truncated',
      'no-final',
      'bad-headers',
    ),
  },
);

function multipartBody(parts: fc.Arbitrary<PartPlan[]>): fc.Arbitrary<BodyPlan> {
  return fc.record({ kind: fc.constant('multipart' as const), parts, mode: multipartMode, cut: fc.nat() });
}

const FORM_RAW_TAILS = [
  '',
  '&',
  '&&',
  '=',
  '&=x',
  '&%',
  '&%FF=1',
  '&a=%00',
  '&password',
  '&username=&password=',
  '+',
];

/** The OAuth2 password form of the login route: urlencoded, multipart, or something else. */
function formBody(schema: JsonSchema): fc.Arbitrary<BodyPlan> {
  const username = fc.oneof(
    { weight: 4, arbitrary: ref('email') },
    { weight: 2, arbitrary: ref('emailUpper') },
    { weight: 2, arbitrary: uniqueEmail },
    { weight: 2, arbitrary: hostileText(0, 40) },
    { weight: 1, arbitrary: fc.constant(ascii(321)) },
  );
  const password = fc.oneof(
    { weight: 4, arbitrary: fc.constant(new Ref('password', 0)) },
    { weight: 2, arbitrary: hostileText(0, 40) },
    { weight: 1, arbitrary: fc.constantFrom(ascii(4096), ascii(4097)) },
  );
  const fields = fc
    .tuple(
      fc.record(
        {
          username,
          password,
          grant_type: fc.constantFrom('password', '', 'client_credentials'),
          scope: cleanText(0, 10),
        },
        { requiredKeys: [] },
      ),
      fc.array(fc.tuple(fc.constantFrom('username', 'password', 'extra', '__proto__'), hostileText(0, 10)), {
        maxLength: 3,
      }),
    )
    .map(([named, extra]) => [...Object.entries(named), ...extra] as [string, unknown][]);
  const urlencoded = fc.record({
    kind: fc.constant('form' as const),
    fields,
    tail: fc.constantFrom(...FORM_RAW_TAILS),
    contentType: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded; charset=latin1',
    ),
  });
  const multipart = multipartBody(
    fc
      .tuple(fields, fc.option(filePart, { nil: undefined, freq: 4 }), fc.nat({ max: 12 }))
      .map(([list, file, copies]) => {
        const parts: PartPlan[] = list.map(([name, value]) => ({
          name,
          value: value instanceof Ref ? value : String(value),
        }));
        // More parts than the parser allows, now and then.
        if (copies > 9) for (let i = 0; i < copies; i += 1) parts.push({ name: `f${i}`, value: 'x' });
        if (file) parts.push(file);
        return parts;
      }),
  );
  return fc.oneof(
    { weight: 8, arbitrary: urlencoded },
    { weight: 5, arbitrary: multipart },
    { weight: 1, arbitrary: jsonBody(schema) },
    { weight: 2, arbitrary: junkBody },
  );
}

const fileKind = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<FileKind>('png', 'jpeg', 'gif', 'webp').map((kind) => ({ kind })) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<FileKind>('bmp', 'svg', 'text', 'bomb', 'empty').map((kind) => ({ kind })),
  },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 2_000 })
      .map((bytes): FilePlan => ({ kind: 'random', bytes })),
  },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: UPLOAD_LIMIT - 64, max: UPLOAD_LIMIT + 200_000 })
      .map((size): FilePlan => ({ kind: 'big', size })),
  },
  { weight: 1, arbitrary: fc.nat({ max: 400 }).map((at): FilePlan => ({ kind: 'cut-png', at })) },
);
const filePart: fc.Arbitrary<PartPlan> = fc.record({
  name: fc.oneof({ weight: 8, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: cleanText(0, 8) }),
  value: fileKind,
  filename: fc.option(
    fc.oneof(fc.constantFrom('a.png', 'a.jpg', 'x.txt', '../../etc/passwd', ''), cleanText(0, 20)),
    {
      nil: undefined,
    },
  ),
  type: fc.option(fc.constantFrom('image/png', 'image/jpeg', 'text/plain', 'application/octet-stream'), {
    nil: undefined,
  }),
});

function pictureBody(): fc.Arbitrary<BodyPlan> {
  const parts = fc
    .tuple(
      fc.array(fc.record({ name: cleanText(0, 8), value: cleanText(0, 20) }), { maxLength: 2 }),
      filePart,
      fc.option(filePart, { nil: undefined, freq: 5 }),
    )
    .map(([fields, file, second]): PartPlan[] => [...fields, file, ...(second ? [second] : [])]);
  return fc.oneof({ weight: 10, arbitrary: multipartBody(parts) }, { weight: 2, arbitrary: junkBody });
}

function bodyFor(operation: Operation): fc.Arbitrary<BodyPlan> {
  const content = operation.spec.requestBody?.content ?? {};
  const json = content['application/json']?.schema;
  if (json) return jsonBody(json);
  const form = content['application/x-www-form-urlencoded']?.schema;
  if (form) return formBody(form);
  if (content['multipart/form-data']) return pictureBody();
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
    { weight: 1, arbitrary: junkBody },
  );
}

/** Ids in path segments; malformed percent-encoding has a test of its own. */
const ODD_IDS = [
  ...'0 -1 -0 -2147483648 2147483647 2147483648 4294967296 9007199254740993 1e3 1.5 1.0 01 +1'.split(' '),
  ...'%201 1%20 0x1f 0b1 NaN Infinity -Infinity null undefined true %5B%5D %7B%7D 1%2C2 1;2'.split(' '),
  ...'%00 1%00 abc %2F %F0%9F%92%A9 %E2%80%AE1'.split(' '),
  encodeURIComponent('１'),
  encodeURIComponent('٣'),
];
/** find-my-way's `maxParamLength`: longer path parameters are refused by the router itself. */
const MAX_SEGMENT = 100;
/** Path text that would reach another route or another path: `/api/users/me`, `..`. */
const NOT_AN_ID = new Set(['', '.', '..', 'me']);
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
const literal = (segment: string): IdPlan => ({ kind: 'literal', segment });
const idPlan: fc.Arbitrary<IdPlan> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 1_000 }).map((pick): IdPlan => ({ kind: 'own', pick })) },
  { weight: 5, arbitrary: fc.nat({ max: 1_000 }).map((pick): IdPlan => ({ kind: 'existing', pick })) },
  { weight: 3, arbitrary: fc.nat({ max: 1_000 }).map((offset): IdPlan => ({ kind: 'missing', offset })) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS).map(literal) },
  // Up to the router's limit of 100 characters; longer segments have a test of their own.
  { weight: 1, arbitrary: fc.integer({ min: 11, max: MAX_SEGMENT }).map((n) => literal('9'.repeat(n))) },
  { weight: 1, arbitrary: fc.integer({ min: -2_147_483_648, max: -1 }).map((n) => literal(String(n))) },
  {
    weight: 1,
    arbitrary: cleanText(1, 30)
      .filter((s) => !NOT_AN_ID.has(s) && percentEncode(s).length <= MAX_SEGMENT)
      .map((s) => literal(percentEncode(s))),
  },
);

const RAW_QUERY_VALUES = ['%FF', '%00', '%', '%zz', '+', '%2B1', '1%20', '[]', '=', '%E2%80%AE'];
function queryValues(parameter: Parameter): fc.Arbitrary<{ value: string | Ref; raw: boolean }> {
  const schema = parameter.schema;
  const cooked = (arbitrary: fc.Arbitrary<string | Ref>) => arbitrary.map((value) => ({ value, raw: false }));
  const variants: fc.WeightedArbitrary<{ value: string | Ref; raw: boolean }>[] = [
    { weight: 2, arbitrary: cooked(hostileText(0, 20)) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERY_VALUES).map((value) => ({ value, raw: true })) },
  ];
  if (schema.type === 'integer') {
    const min = schema.minimum ?? -1_000;
    const max = schema.maximum ?? 1_000;
    variants.push(
      { weight: 6, arbitrary: cooked(fc.integer({ min, max: Math.min(max, min + 200) }).map(String)) },
      { weight: 3, arbitrary: cooked(fc.constantFrom(min, max, min - 1, max + 1).map(String)) },
      {
        weight: 1,
        arbitrary: cooked(
          fc.oneof(
            fc.integer({ min: 16, max: 400 }).map((n) => '9'.repeat(n)),
            fc.constantFrom('1e400', '-1e400', '1.5', '1e2', '-0', ' 5', '0x10', 'NaN', 'Infinity', ''),
          ),
        ),
      },
    );
  }
  if (schema.format === 'feed-cursor') {
    variants.push(
      { weight: 4, arbitrary: cooked(ref('cursor')) },
      {
        weight: 2,
        arbitrary: cooked(
          fc
            .tuple(
              fc.date({
                min: new Date('1970-01-01T00:00:00Z'),
                max: new Date('2999-12-31T00:00:00Z'),
                noInvalidDate: true,
              }),
              fc.integer({ min: 1, max: 2_147_483_647 }),
            )
            .map(([date, id]) => `${date.toISOString()}_${id}`),
        ),
      },
      {
        weight: 1,
        arbitrary: cooked(
          fc.constantFrom(
            '2026-02-30T00:00:00.000Z_1',
            '2026-01-01T00:00:00.000Z_0',
            '2026-01-01T00:00:00.000Z_2147483648',
            '2026-01-01T00:00:00Z_1',
            '9999-12-31T23:59:59.999Z_99999999999',
            `${'2026-01-01T00:00:00.000Z_1'.repeat(2)}`,
          ),
        ),
      },
    );
  }
  return fc.oneof(...variants);
}

function queryPlan(operation: Operation): fc.Arbitrary<QueryEntry[]> {
  const documented = operation.queryParams.map((parameter) =>
    fc.option(
      fc.tuple(queryValues(parameter), fc.nat({ max: 6 })).map(([{ value, raw }, repeat]) =>
        // Now and then the same key twice (or its `key[]` form).
        Array.from({ length: repeat === 6 ? 2 : 1 }, (_, i) => ({
          key: repeat === 5 && i === 0 ? `${parameter.name}[]` : parameter.name,
          value,
          raw,
        })),
      ),
      { nil: [], freq: 2 },
    ),
  );
  const junk = fc.array(
    fc.record({
      key: fc.oneof(cleanText(0, 8), fc.constantFrom('__proto__', 'constructor', 'skip[0]', 'a[b]', '')),
      value: fc.oneof<fc.Arbitrary<string | Ref>[]>(cleanText(0, 10), fc.constantFrom(...RAW_QUERY_VALUES)),
      raw: fc.constant(false),
    }),
    { maxLength: 2 },
  );
  return fc
    .tuple(
      fc.tuple(...documented),
      fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: junk }),
    )
    .map(([entries, extra]) => [...entries.flat(), ...extra]);
}

const printable = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 100,
});
const authPlan: fc.Arbitrary<AuthPlan> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant('actor' as const),
      actor: fc.nat({ max: ACTORS - 1 }),
      scheme: fc.constantFrom('Bearer', 'Bearer', 'Bearer', 'bearer', 'BEARER'),
    }),
  },
  { weight: 3, arbitrary: fc.constant<AuthPlan>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('forged' as const),
      actor: fc.nat({ max: ACTORS - 1 }),
      how: fc.constantFrom<ForgeKind>(
        'other-key',
        'alg-none',
        'expired',
        'bad-signature',
        'truncated',
        'unknown-user',
        'newer-version',
        'bad-subject',
        'hs512',
        'no-expiry',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          '',
          ' ',
          'Bearer',
          'Bearer ',
          'Bearer  ',
          'Basic dXNlcjpwYXNz',
          'Token abc',
          'Bearer null',
          'Bearer undefined',
          'Bearer a.b.c',
          'Bearer ...',
          'Bearer eyJhbGciOiJub25lIn0.e30.',
          'Digest username="a"',
          'Bearer\tabc',
        ),
        printable,
        printable.map((s) => `Bearer ${s}`),
        fc.integer({ min: 1_000, max: 16_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
      )
      .map((value): AuthPlan => ({ kind: 'raw', value })),
  },
);

function requestPlan(operation: Operation): fc.Arbitrary<RequestPlan> {
  const ids: Record<string, fc.Arbitrary<IdPlan>> = {};
  for (const parameter of operation.pathParams) ids[parameter.name] = idPlan;
  return fc.record({
    auth: authPlan,
    ids: fc.record(ids),
    query: queryPlan(operation),
    body: bodyFor(operation),
  });
}

// ---------------------------------------------------------------------------------------------
// Turning a plan into a request
// ---------------------------------------------------------------------------------------------

const images = {
  png: await solidImage('png', { width: 16, height: 12 }),
  jpeg: await solidImage('jpeg', { width: 16, height: 12 }),
  gif: await solidImage('gif', { width: 16, height: 12 }),
  webp: await solidImage('webp', { width: 16, height: 12 }),
};
const FILES: Record<FileKind, Buffer> = {
  ...images,
  bmp: bmpFile(),
  svg: SVG_IMAGE,
  text: TEXT_FILE,
  bomb: pngDeclaring(60_000, 60_000),
  empty: Buffer.alloc(0),
};

function fileBytes(plan: FilePlan): Buffer {
  switch (plan.kind) {
    case 'random':
      return Buffer.from(plan.bytes);
    case 'big':
      return bigBody(plan.size);
    case 'cut-png':
      return FILES.png.subarray(0, plan.at % FILES.png.length);
    default:
      return FILES[plan.kind];
  }
}

function resolveText(value: unknown): string {
  if (value instanceof Ref) return world.resolve(value);
  if (value instanceof RawJson) return value.text;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof Ref) return JSON.stringify(world.resolve(value));
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).map(
      (key) => `${JSON.stringify(key)}:${toJsonText((value as Record<string, unknown>)[key])}`,
    );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const BOUNDARY = '----fuzzFormBoundary7MA4YWxkTrZu0gW';

function multipartPayload(plan: Extract<BodyPlan, { kind: 'multipart' }>): {
  payload: Buffer;
  contentType: string;
} {
  const chunks: Buffer[] = [];
  for (const part of plan.parts) {
    const isFile = typeof part.value === 'object' && !(part.value instanceof Ref);
    const disposition =
      plan.mode === 'bad-headers'
        ? `Content-Dispositon: form-data; name=${part.name}`
        : `Content-Disposition: form-data; name="${part.name}"${
            part.filename !== undefined || isFile ? `; filename="${part.filename ?? 'upload.bin'}"` : ''
          }`;
    const type = part.type ? `\r\nContent-Type: ${part.type}` : '';
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n${disposition}${type}\r\n\r\n`));
    chunks.push(isFile ? fileBytes(part.value as FilePlan) : Buffer.from(resolveText(part.value)));
    chunks.push(Buffer.from('\r\n'));
  }
  if (plan.mode !== 'no-final') chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  let payload = Buffer.concat(chunks);
  if (plan.mode === 'truncated') payload = payload.subarray(0, plan.cut % Math.max(1, payload.length));
  const contentType =
    plan.mode === 'no-boundary'
      ? 'multipart/form-data'
      : `multipart/form-data; boundary=${plan.mode === 'wrong-boundary' ? 'other-boundary' : BOUNDARY}`;
  return { payload, contentType };
}

async function build(operation: Operation, plan: RequestPlan): Promise<Built> {
  const actorIndex = plan.auth.kind === 'actor' || plan.auth.kind === 'forged' ? plan.auth.actor : 0;
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    world.idSegment(name, plan.ids[name] ?? { kind: 'own', pick: 0 }, actorIndex),
  );
  const query = plan.query
    .map(({ key, value, raw }) => {
      const text = value instanceof Ref ? world.resolve(value) : value;
      return `${percentEncode(key)}=${raw ? text : percentEncode(text)}`;
    })
    .join('&');
  const url = query ? `${path}?${query}` : path;
  const headers: Record<string, string> = {};
  const authorization = await world.authorization(plan.auth);
  if (authorization !== undefined) headers.authorization = authorization;
  let payload: string | Buffer | undefined;
  const body = plan.body;
  switch (body.kind) {
    case 'none':
      break;
    case 'json':
      payload = toJsonText(body.value);
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      break;
    case 'text':
      payload = typeof body.text === 'string' ? body.text : Buffer.from(body.text);
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      break;
    case 'form':
      payload =
        body.fields
          .map(([key, value]) => `${percentEncode(key)}=${percentEncode(resolveText(value))}`)
          .join('&') + body.tail;
      headers['content-type'] = body.contentType;
      break;
    case 'multipart': {
      const built = multipartPayload(body);
      payload = built.payload;
      headers['content-type'] = built.contentType;
      break;
    }
  }
  return { method: operation.method.toUpperCase() as Built['method'], url, headers, payload };
}

/** Operations whose success can change what the world relies on (users, passwords, posts, tokens). */
const CHANGES_NOTHING = new Set([
  'POST /api/users/token',
  'POST /api/users/forgot-password',
  'PATCH /api/users/{user_id}/picture',
  'DELETE /api/users/{user_id}/picture',
  'POST /api/posts/{post_id}/like',
  'DELETE /api/posts/{post_id}/like',
]);
/** Changing a post matters to the world only when it makes the post long. */
const CHANGES_A_POST = new Set(['PUT /api/posts/{post_id}', 'PATCH /api/posts/{post_id}']);

async function exercise(operation: Operation, plan: RequestPlan, violations: Violations): Promise<void> {
  const options = await build(operation, plan);
  const reply = await inject(options);
  violations.record(operation, options, reply);
  const long = (options.payload?.length ?? 0) > 2_000;
  if (
    operation.method !== 'get' &&
    reply !== undefined &&
    reply.statusCode < 300 &&
    !CHANGES_NOTHING.has(operation.key) &&
    (long || !CHANGES_A_POST.has(operation.key))
  ) {
    await world.refresh();
  }
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

const runsOf = (operation: Operation) =>
  Math.max(1, Math.round((RUNS[operation.key] ?? DEFAULT_RUNS) * SCALE));
const plannedTotal = operations.reduce((sum, operation) => sum + runsOf(operation), 0);

describe('fuzzing every operation of the OpenAPI document', () => {
  afterAll(async () => {
    for (const [key, counts] of stats.byOperation) console.log(`  ${key}: { ${histogram(counts)} }`);
    console.log(
      `fuzz seed ${SEED}: ${stats.total} requests; by status { ${histogram(stats.byStatus)} }; ` +
        `5xx: ${stats.serverErrors}; unanswered: ${stats.unanswered}`,
    );
    await t.close();
  });

  it('reads a document that lists the API', () => {
    expect(documentResponse.statusCode).toBe(200);
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(plannedTotal).toBeGreaterThanOrEqual(MIN_TOTAL_REQUESTS * Math.min(1, SCALE));
  });

  for (const [index, operation] of operations.entries()) {
    const runs = runsOf(operation);
    it(`${operation.key}: ${runs} generated requests answer below 500, in JSON, as documented`, async () => {
      const violations = new Violations();
      await fc.assert(
        fc.asyncProperty(requestPlan(operation), async (plan) => {
          await exercise(operation, plan, violations);
        }),
        { seed: (SEED + index * 1_000_003) | 0, numRuns: runs, endOnFailure: true },
      );
      expect(violations.report()).toEqual([]);
    }, 240_000);
  }

  const withPathIds = operations.filter((operation) => operation.pathParams.length > 0);
  // The router refuses these before the app sees them: malformed percent-encoding, and path
  // parameters longer than its limit.
  it('answers path ids that the router refuses with a documented JSON answer', async () => {
    const segments = fc.oneof(
      fc.constantFrom('%', '%zz', '%FF', '%C0%AF', '%ED%A0%80', '1%', '%%31', '%E2%82'),
      fc.integer({ min: MAX_SEGMENT + 1, max: 2_000 }).map((n) => '9'.repeat(n)),
      fc.integer({ min: MAX_SEGMENT + 1, max: 2_000 }).map((n) => 'a'.repeat(n)),
    );
    const violations = new Violations();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withPathIds),
        segments,
        authPlan,
        async (operation, segment, auth) => {
          const plan: RequestPlan = {
            auth,
            ids: Object.fromEntries(operation.pathParams.map((p) => [p.name, literal(segment)])),
            query: [],
            body: { kind: 'none' },
          };
          const options = await build(operation, plan);
          violations.record(operation, options, await inject(options));
        },
      ),
      { seed: SEED, numRuns: Math.max(withPathIds.length * 10, 200) },
    );
    expect(violations.report()).toEqual([]);
  });

  // Every string field of every JSON body gets text that PostgreSQL or UTF-8 cannot hold as it is:
  // it must be stored (possibly replaced) or refused, never fail.
  const jsonOperations = operations.filter((operation) => operation.bodyTypes.includes('application/json'));
  it('stores or refuses hostile Unicode in every string field of every JSON body', async () => {
    const edgeCases = fc.constantFrom(
      '\ud800',
      '\udfff',
      '\udc00\udc00',
      'a\udd93\udee5b',
      '\udfff\ud800',
      '\ud800\ud800',
      'a\u0000b',
      '\u0000',
      '\ufeff\u202e\u200b',
      '\uffff\ufffe',
      'e\u0301\u0301\u0301',
    );
    const text = fc.oneof(
      edgeCases,
      fc.string({
        unit: fc.oneof(loneSurrogate, fc.constant('\u0000'), cleanChar),
        minLength: 1,
        maxLength: 12,
      }),
    );
    const plan = fc.constantFrom(...jsonOperations).chain((operation) => {
      const schema = operation.spec.requestBody!.content['application/json']!.schema!;
      const fields = Object.keys(schema.properties ?? {});
      return fc.record({
        operation: fc.constant(operation),
        body: objectValue(schema),
        field: fc.constantFrom(...fields),
        text,
        actor: fc.nat({ max: ACTORS - 1 }),
      });
    });
    const violations = new Violations();
    await fc.assert(
      fc.asyncProperty(plan, async ({ operation, body, field, text: value, actor }) => {
        await exercise(
          operation,
          {
            auth: { kind: 'actor', actor, scheme: 'Bearer' },
            ids: Object.fromEntries(
              operation.pathParams.map((p): [string, IdPlan] => [p.name, { kind: 'own', pick: 0 }]),
            ),
            query: [],
            body: { kind: 'json', value: { ...body, [field]: value }, contentType: 'application/json' },
          },
          violations,
        );
      }),
      { seed: SEED, numRuns: Math.round(400 * Math.max(SCALE, 0.5)) },
    );
    expect(violations.report()).toEqual([]);
  }, 120_000);

  const withBodies = operations.filter((operation) => operation.bodyTypes.length > 0);
  it('answers a malformed Content-Type header with a documented JSON answer', async () => {
    const malformed = fc.constantFrom(
      'foo',
      ';;',
      'application/',
      '/json',
      'application json',
      'application/json;;',
      'application/json; charset',
      '"application/json"',
      'text/plain;charset=',
      '*/*',
      'application/*',
    );
    const violations = new Violations();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBodies), malformed, async (operation, type) => {
        const plan: RequestPlan = {
          auth: { kind: 'actor', actor: 0, scheme: 'Bearer' },
          ids: Object.fromEntries(
            operation.pathParams.map((p): [string, IdPlan] => [p.name, { kind: 'own', pick: 0 }]),
          ),
          query: [],
          body: { kind: 'text', text: '{"content":"x"}', contentType: type },
        };
        const options = await build(operation, plan);
        violations.record(operation, options, await inject(options));
        if (operation.method !== 'get') await world.refresh();
      }),
      { seed: SEED, numRuns: Math.max(withBodies.length * 11, 150) },
    );
    expect(violations.report()).toEqual([]);
  }, 60_000);

  it('leaves the database consistent: counters, post counts, likes, and no orphans', async () => {
    const rows = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => {
      const result: unknown = await db.execute(query);
      return (result as { rows: T[] }).rows;
    };
    const [totals] = await rows<{ counter: string | number | null; actual: string | number }>(
      sql`SELECT (SELECT value FROM counters WHERE name = 'posts') AS counter, (SELECT count(*) FROM posts) AS actual`,
    );
    expect(totals!.counter, 'counters.posts is the number of posts').not.toBeNull();
    expect(Number(totals!.counter), 'counters.posts is the number of posts').toBe(Number(totals!.actual));
    expect(
      await rows(sql`
        SELECT u.id, u.post_count, count(p.id)::int AS actual FROM users u LEFT JOIN posts p ON p.user_id = u.id
        GROUP BY u.id HAVING u.post_count <> count(p.id)`),
      'users whose post_count is wrong',
    ).toEqual([]);
    expect(
      await rows(sql`
        SELECT p.id, p.likes, count(l.user_id)::int AS actual FROM posts p LEFT JOIN post_likes l ON l.post_id = p.id
        GROUP BY p.id HAVING p.likes <> count(l.user_id)`),
      'posts whose likes are wrong',
    ).toEqual([]);
    expect(
      await rows(sql`SELECT id FROM posts WHERE user_id NOT IN (SELECT id FROM users)`),
      'posts without a user',
    ).toEqual([]);
    expect(
      await rows(sql`
        SELECT post_id, user_id FROM post_likes
        WHERE post_id NOT IN (SELECT id FROM posts) OR user_id NOT IN (SELECT id FROM users)`),
      'likes without a post or a user',
    ).toEqual([]);
    expect(
      await rows(sql`SELECT id FROM password_reset_tokens WHERE user_id NOT IN (SELECT id FROM users)`),
      'reset tokens without a user',
    ).toEqual([]);
    // The fuzzing did reach the database: users, posts and likes were written and deleted.
    const [activity] = await rows<{ users: number; posts: number; likes: number }>(
      sql`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts,
                 (SELECT count(*) FROM post_likes)::int AS likes`,
    );
    expect(activity!.users).toBeGreaterThan(ACTORS);
    expect(activity!.posts).toBeGreaterThan(0);
  });

  it(`sent at least ${MIN_TOTAL_REQUESTS} requests, all answered, none with a 5xx`, () => {
    expect(stats.total).toBeGreaterThanOrEqual(Math.floor(MIN_TOTAL_REQUESTS * Math.min(1, SCALE)));
    expect(stats.serverErrors, 'answers with a 5xx').toBe(0);
    expect(stats.unanswered, 'requests without an answer').toBe(0);
  });
});
