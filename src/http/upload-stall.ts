import type { FastifyReply, FastifyRequest } from 'fastify';
import { UNPARSABLE_BODY } from './schemas.js';

/** How long a multipart body may stand still. */
export const UPLOAD_IDLE_MS = 4_000;

const POLL_MS = 250;

/**
 * An `onRequest` hook for routes that stream multipart bodies: if the body stops moving for `idleMs`
 * before the answer, it answers 400 and closes the connection. A client that stalls, or a body on which
 * the parser itself stops reading (a part without a Content-Disposition header beyond the stream's
 * buffer), would otherwise hold the request until the server's timeout.
 * The bytes the socket has received are watched rather than the body, because listening to the body
 * would start it flowing before the parser is attached.
 */
export function watchMultipartUpload(idleMs: number) {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/')) return;
    const received = () => request.raw.socket?.bytesRead ?? 0;
    let seen = received();
    let stillFor = 0;
    const check = setInterval(() => {
      if (reply.sent || request.raw.readableEnded) return clearInterval(check);
      const now = received();
      stillFor = now === seen ? stillFor + POLL_MS : 0;
      seen = now;
      if (stillFor < idleMs) return;
      clearInterval(check);
      request.log.info('multipart body stalled');
      void reply.code(400).header('connection', 'close').send({ detail: UNPARSABLE_BODY });
    }, POLL_MS);
    check.unref();
    reply.raw.once('close', () => clearInterval(check));
  };
}
