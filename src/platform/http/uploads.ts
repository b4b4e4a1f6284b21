import type { FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { httpErrors } from '@fastify/sensible';
import { Type } from 'typebox';
import { UNPARSABLE_BODY } from './schemas.js';
import { validatorCompiler } from './validation.js';

/** How long a multipart body may stand still. */
export const UPLOAD_IDLE_MS = 4_000;

const POLL_MS = 250;

/** The multipart body of an upload route, as the OpenAPI document shows it. */
export const FileUpload = (description: string) =>
  Type.Object({ file: Type.String({ format: 'binary', description }) });

export const MISSING_FILE = { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required' }] };

/** "5MB" for 5,242,880 bytes, as the original's messages said it. */
export function megabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))}MB`;
}

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

// The upload is streamed by the handler, which enforces the size while reading; the body schema is
// there for the OpenAPI document only.
const streamedBody: FastifySchemaCompiler<object> = (route) =>
  route.httpPart === 'body' ? () => true : validatorCompiler(route);

/** Route options of every upload route: the stall watcher and the streamed body. */
export const uploadRoute = {
  onRequest: watchMultipartUpload(UPLOAD_IDLE_MS),
  validatorCompiler: streamedBody,
};

export type Upload = { kind: 'file'; bytes: Buffer } | { kind: 'missing' } | { kind: 'too-large' };

// Room for the multipart framing around the file (boundaries, part headers).
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Reads the multipart field `file` and stops the moment it passes `limit` bytes: the rest of the body
 * is neither kept nor waited for (the answer then closes the connection). A declared length over the
 * limit is refused before anything is read. Needs @fastify/multipart registered in the route's context.
 */
export async function readUpload(request: FastifyRequest, limit: number): Promise<Upload> {
  if (Number(request.headers['content-length'] ?? 0) > limit + MULTIPART_OVERHEAD_BYTES) {
    return { kind: 'too-large' };
  }
  if (!request.isMultipart()) return { kind: 'missing' };
  try {
    const part = await request.file({ limits: { fileSize: limit } });
    if (!part || part.fieldname !== 'file') return { kind: 'missing' };
    const reading = (async (): Promise<Upload> => {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) chunks.push(chunk);
      return part.file.truncated ? { kind: 'too-large' } : { kind: 'file', bytes: Buffer.concat(chunks) };
    })();
    // The parser drops what comes after the limit but keeps reading to the end of the part: do not wait.
    const limitReached = new Promise<Upload>((resolve) =>
      part.file.once('limit', () => resolve({ kind: 'too-large' })),
    );
    reading.catch(() => undefined); // abandoned when the limit wins; its failure then matters to no one
    return await Promise.race([reading, limitReached]);
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return { kind: 'too-large' };
    // A body cut short or without a boundary is the client's doing, whatever the parser calls it.
    const status = (error as { statusCode?: number }).statusCode;
    throw status !== undefined && status >= 400 && status < 500
      ? error
      : httpErrors.badRequest(UNPARSABLE_BODY);
  }
}

/**
 * The file of an upload route, or the answer for its absence (422) or its size (400, closing the
 * connection so the client stops sending).
 */
export async function uploadedFile(
  request: FastifyRequest,
  reply: FastifyReply,
  limit: number,
): Promise<Buffer | undefined> {
  const upload = await readUpload(request, limit);
  if (upload.kind === 'file') return upload.bytes;
  if (upload.kind === 'missing') {
    await reply.code(422).send(MISSING_FILE);
    return undefined;
  }
  reply.header('connection', 'close');
  throw httpErrors.badRequest(`File too large. Maximum size is ${megabytes(limit)}`);
}
