import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { ROLES, type Role } from '../users/roles.js';
import type { ModerationService } from './moderation.service.js';

/**
 * The embedded database (PGlite) has one owner process: while the server runs, the admin command
 * cannot open it. The server therefore listens on a Unix socket in DATA_DIR, mode 0600, so that only
 * the local user who owns the data (and root) can connect, and the command asks it. One JSON line
 * each way: `{"command":"grant","email":...,"role":...}` -> `{"ok":true,"user":...}` or
 * `{"ok":false,"error":...}`.
 */
export const ADMIN_SOCKET = 'admin.sock';

export interface GrantRequest {
  command: 'grant';
  email: string;
  role: Role;
}

export type ChannelAnswer =
  { ok: true; user: { id: number; username: string; role: Role } } | { ok: false; error: string };

export function socketPath(dataDir: string): string {
  return path.join(dataDir, ADMIN_SOCKET);
}

export function isGrantRequest(value: unknown): value is GrantRequest {
  const request = value as Partial<GrantRequest> | null;
  return (
    request?.command === 'grant' && typeof request.email === 'string' && ROLES.includes(request.role as Role)
  );
}

/** Starts the channel; the returned function stops it and removes the socket. */
export async function openAdminChannel(
  dataDir: string,
  moderation: ModerationService,
  log: FastifyBaseLogger,
): Promise<() => Promise<void>> {
  const file = socketPath(dataDir);
  // A socket left by a process that died; the database lock already says no other server runs here.
  await rm(file, { force: true });
  const server = net.createServer((socket) => {
    let input = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      input += chunk;
      if (input.length > 4096) socket.destroy();
      if (!input.includes('\n')) return;
      void answer(input.slice(0, input.indexOf('\n'))).then((reply) =>
        socket.end(`${JSON.stringify(reply)}\n`),
      );
    });
    socket.on('error', () => socket.destroy());
  });
  const answer = async (line: string): Promise<ChannelAnswer> => {
    try {
      const request: unknown = JSON.parse(line);
      if (!isGrantRequest(request)) return { ok: false, error: 'unknown command' };
      const user = await moderation.grant(request.email, request.role);
      log.info({ userId: user.id, role: user.role }, 'role granted from the command line');
      return { ok: true, user: { id: user.id, username: user.username, role: user.role } };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
  // Created with no permission for group and others, before anyone can connect.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(file, resolve);
    });
  } finally {
    process.umask(umask);
  }
  await chmod(file, 0o600);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(file, { force: true });
  };
}

/** Asks a running server; undefined when none listens (no socket, or a stale one). */
export function askRunningServer(dataDir: string, request: GrantRequest): Promise<ChannelAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath(dataDir));
    let output = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (output += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(output) as ChannelAnswer);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else reject(error);
    });
  });
}
