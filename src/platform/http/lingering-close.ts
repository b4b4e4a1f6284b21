import { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface LingerLimits {
  /** Body bytes read and dropped after the answer, at most. */
  maxBytes: number;
  /** How long the whole lingering may take. */
  maxMs: number;
  /** How long the body may stand still while lingering. */
  idleMs: number;
}

export const LINGER_LIMITS: LingerLimits = { maxBytes: 16 * 1024 * 1024, maxMs: 10_000, idleMs: 2_000 };

/** Whether some of the request's body has not arrived yet. */
function bodyStillArriving(request: FastifyRequest): boolean {
  const raw = request.raw;
  if (raw.complete) return false;
  const length = Number(raw.headers['content-length'] ?? 0);
  return length > 0 || raw.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads and drops the rest of the request's body, then closes the socket: at once when the body ends,
 * or by force when it passes the limits. Nothing is kept.
 */
function linger(request: FastifyRequest, socket: Socket, limits: LingerLimits): void {
  const raw = request.raw;
  const closeSoon = socket.destroySoon.bind(socket);
  let finished = false;
  let bodyEnded = false;
  let answered = false;
  let dropped = 0;
  const finish = (cut: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    clearTimeout(idle);
    raw.removeListener('data', onData);
    if (cut) {
      request.log.info({ dropped }, 'body still arriving after the limits of a lingering close: cut off');
      socket.destroy();
    } else closeSoon();
  };
  const whenIdle = () => setTimeout(() => finish(true), limits.idleMs).unref();
  let idle = whenIdle();
  const deadline = setTimeout(() => finish(true), limits.maxMs);
  deadline.unref();
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    clearTimeout(idle);
    idle = whenIdle();
    if (dropped > limits.maxBytes) finish(true);
  };
  // Whatever was reading the body (a multipart parser) is done with it.
  raw.unpipe();
  raw.on('data', onData);
  raw.once('end', () => {
    bodyEnded = true;
    if (answered) finish(false);
  });
  raw.once('error', () => finish(true));
  socket.once('close', () => finish(false));
  raw.resume();
  // Node closes a `Connection: close` socket as soon as the answer is written; a client still sending
  // the body then gets a reset before it reads the answer. The socket is closed by `finish` instead.
  socket.destroySoon = () => {
    answered = true;
    if (bodyEnded) finish(false);
  };
}

/**
 * A lingering close, as nginx does it: an answer given while the request's body is still arriving (a
 * 413, a 400 for a file over the limit, a 401 or 422 before the body is read) says `Connection: close`,
 * and the rest of the body is read and dropped, within bounded bytes and time, before the socket is
 * closed. Clients that write their whole body before reading (Node's fetch, httpx, buffering proxies)
 * then read the answer instead of failing with EPIPE or a reset; a body far over the limit is still cut off.
 */
export default fp(
  async function lingeringClose(app: FastifyInstance, options: Partial<LingerLimits>) {
    const limits = { ...LINGER_LIMITS, ...options };
    app.addHook('onSend', async (request, reply: FastifyReply) => {
      const socket = request.raw.socket;
      if (!(socket instanceof Socket) || !bodyStillArriving(request)) return;
      reply.header('connection', 'close');
      linger(request, socket, limits);
    });
  },
  { name: 'lingering-close' },
);
