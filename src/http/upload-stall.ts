import type { FastifyReply, FastifyRequest } from 'fastify';
import { UNPARSABLE_BODY } from './schemas.js';

/** How long a multipart body may stand still. */
export const UPLOAD_IDLE_MS = 4_000;

const POLL_MS = 250;

/**
 * An `onRequest` hook for routes that parse multipart bodies, watching the bytes the socket receives:
 * - past `maxBytes` (when given), it answers 413 and closes the connection: the multipart parser reads
 *   a body to its end even after a field is truncated;
 * - if the body stops moving for `idleMs` before the answer, it answers 400 and closes: a client that
 *   stalls, or a body on which the parser itself stops reading (a part without a Content-Disposition
 *   header beyond the stream's buffer), would otherwise hold the request until the server's timeout.
 * The socket is watched rather than the body, because listening to the body would start it flowing
 * before the parser is attached.
 */
export function watchMultipartUpload(idleMs: number, maxBytes = Infinity) {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/')) return;
    const received = () => request.raw.socket?.bytesRead ?? 0;
    const start = received();
    let seen = start;
    let stillFor = 0;
    const stop = (status: number, detail: string) => {
      clearInterval(check);
      request.log.info({ status }, 'multipart body refused while arriving');
      void reply.code(status).header('connection', 'close').send({ detail });
    };
    const check = setInterval(() => {
      if (reply.sent || request.raw.readableEnded) return clearInterval(check);
      const now = received();
      if (now - start > maxBytes) return stop(413, 'Request body is too large.');
      stillFor = now === seen ? stillFor + POLL_MS : 0;
      seen = now;
      if (stillFor >= idleMs) stop(400, UNPARSABLE_BODY);
    }, POLL_MS);
    check.unref();
    reply.raw.once('close', () => clearInterval(check));
  };
}
