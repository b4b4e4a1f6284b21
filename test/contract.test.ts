import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenUrl, loadConfig } from '../src/platform/config.js';
import { createTestApp, multipartBody, signUp, type TestApp, type TestUser } from './support/index.js';

// What real clients tripped on (issue 10): the OpenAPI document, content types, early answers to
// bodies still arriving, and the default FRONTEND_URL.

const MiB = 1024 * 1024;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: { default?: unknown } }[];
  requestBody?: { content: Record<string, unknown> };
}

async function apiDocument(): Promise<Record<string, Record<string, Operation>>> {
  const response = await t.app.inject('/openapi.json');
  expect(response.statusCode).toBe(200);
  return response.json<{ paths: Record<string, Record<string, Operation>> }>().paths;
}

describe('the OpenAPI document', () => {
  it('has no required query parameter with a default, anywhere', async () => {
    const paths = await apiDocument();
    const offending: string[] = [];
    let withDefault = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const parameter of operation.parameters ?? []) {
          if (parameter.in !== 'query' || parameter.schema?.default === undefined) continue;
          withDefault += 1;
          if (parameter.required) offending.push(`${method.toUpperCase()} ${path} ?${parameter.name}`);
        }
      }
    }
    expect(offending).toEqual([]);
    // skip and limit of the three lists at least.
    expect(withDefault).toBeGreaterThanOrEqual(6);
  });

  it('serves the lists without skip and limit', async () => {
    const user = await signUp(t.app);
    for (const url of ['/api/posts', `/api/users/${user.id}/posts`]) {
      expect((await t.app.inject(url)).statusCode, url).toBe(200);
    }
  });
});

describe('content types', () => {
  const unsupported = (type: string) => ({
    detail: [expect.objectContaining({ type: 'unsupported_content_type', loc: ['header', 'content-type'] })],
    input: type,
  });

  it('refuses JSON on the login form and forms on JSON routes, with 422', async () => {
    const user = await signUp(t.app);
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/users/token',
      payload: { username: user.email, password: user.password },
    });
    expect(json.statusCode).toBe(422);
    expect({ ...json.json(), input: 'application/json' }).toEqual(unsupported('application/json'));

    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
    const register = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: urlencoded,
      payload: form({ username: 'formuser', email: 'form@example.com', password: 'long enough words' }),
    });
    expect(register.statusCode).toBe(422);
    expect(register.json<{ detail: { type: string }[] }>().detail[0]?.type).toBe('unsupported_content_type');
    const forgot = await t.app.inject({
      method: 'POST',
      url: '/api/users/forgot-password',
      headers: urlencoded,
      payload: form({ email: user.email }),
    });
    expect(forgot.statusCode).toBe(422);
    expect((await t.app.inject({ method: 'GET', url: '/api/users/formuser' })).statusCode).not.toBe(200);
    await t.app.jobs.runDue();
    expect(await t.outbox()).toEqual([]);

    // What the document says still works.
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/users/token',
      headers: urlencoded,
      payload: form({ username: user.email, password: user.password }),
    });
    expect(login.statusCode).toBe(200);
    const multipart = await multipartBody([], { username: user.email, password: user.password });
    const loginMultipart = await t.app.inject({
      method: 'POST',
      url: '/api/users/token',
      headers: { 'content-type': multipart.contentType },
      payload: multipart.payload,
    });
    expect(loginMultipart.statusCode).toBe(200);
  });

  it('accepts on every route exactly the content types its document lists', async () => {
    const user = await signUp(t.app);
    // An admin may call every route, so no role check answers before the content type is looked at.
    await t.app.usersService.setStanding(user.id, { role: 'admin' });
    const paths = await apiDocument();
    let checked = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!operation.requestBody) continue;
        const documented = Object.keys(operation.requestBody.content);
        const url = path.replace(/\{[^}]+\}/g, String(user.id));
        for (const type of [
          'text/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=b',
          'application/json',
        ]) {
          const response = await t.app.inject({
            method: method.toUpperCase() as 'POST',
            url,
            headers: { ...user.headers, 'content-type': type },
            payload: type === 'application/json' ? '{}' : 'a=b',
          });
          const isUnsupported =
            response.statusCode === 422 &&
            response.json<{ detail: { type: string }[] }>().detail[0]?.type === 'unsupported_content_type';
          const listed = documented.includes(type.split(';')[0]!);
          expect(isUnsupported, `${method} ${path} ${type}: ${response.statusCode} ${response.body}`).toBe(
            !listed,
          );
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  });
});

/** Runs `request` (the body of an async function returning a fetch) in a new Node.js process. */
async function fetchInAnotherProcess(request: string): Promise<unknown> {
  const script = `
    const send = async () => { ${request} };
    try {
      const response = await send();
      const answer = { status: response.status, connection: response.headers.get('connection'), body: await response.json() };
      console.log(JSON.stringify(answer));
    } catch (error) {
      console.log(JSON.stringify({ error: String(error.cause?.code ?? error) }));
    }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as unknown;
}

/** Sends a whole request over a raw socket, all of it, and only then reads the answer. */
function writeAllThenRead(baseUrl: string, head: string, body: Buffer): Promise<string> {
  const { port, hostname } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body, () => socket.on('data', (data: string) => (answer += data)));
    });
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
  });
}

describe('early answers to bodies still arriving (a lingering close)', () => {
  let baseUrl: string;
  let user: TestUser;
  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    user = await signUp(t.app);
  });

  // The client runs in a process of its own, as real clients do: sharing the server's event loop, it
  // happened to read the answer even without the lingering close.
  it("lets Node's fetch read the 400 of a 6 MiB picture and the 413 of a 2 MB JSON body", async () => {
    const picture = await fetchInAnotherProcess(`
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(6 * 1024 * 1024)], { type: 'image/jpeg' }), 'big.jpg');
      return fetch(${JSON.stringify(`${baseUrl}/api/users/${user.id}/picture`)},
        { method: 'PATCH', headers: ${JSON.stringify(user.headers)}, body: form });`);
    expect(picture).toEqual({
      status: 400,
      connection: 'close',
      body: { detail: 'File too large. Maximum size is 5MB' },
    });
    const json = await fetchInAnotherProcess(`
      return fetch(${JSON.stringify(`${baseUrl}/api/posts`)}, { method: 'POST',
        headers: { ...${JSON.stringify(user.headers)}, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'big', content: 'x'.repeat(2_000_000) }) });`);
    expect(json).toEqual({
      status: 413,
      connection: 'close',
      body: { detail: 'Request body is too large.' },
    });
  });

  it('answers a client that writes its whole body before reading', async () => {
    const upload = await multipartBody([{ name: 'file', bytes: Buffer.alloc(6 * MiB), filename: 'a.jpg' }]);
    const head =
      `PATCH /api/users/${user.id}/picture HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: ${user.headers.authorization}\r\nContent-Type: ${upload.contentType}\r\n` +
      `Content-Length: ${upload.payload.length}\r\n\r\n`;
    const answer = await writeAllThenRead(baseUrl, head, upload.payload);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('{"detail":"File too large. Maximum size is 5MB"}');

    const json = Buffer.from(JSON.stringify({ content: 'y'.repeat(2_000_000) }));
    const jsonHead =
      `POST /api/posts HTTP/1.1\r\nHost: x\r\nAuthorization: ${user.headers.authorization}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`;
    expect(await writeAllThenRead(baseUrl, jsonHead, json)).toMatch(/^HTTP\/1\.1 413/);
  });

  it('still cuts off a 1 GB body, without reading it to the end', async () => {
    const { port } = new URL(baseUrl);
    const started = Date.now();
    const result = await new Promise<{ written: number; answer: string }>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      const chunk = Buffer.alloc(MiB);
      let written = 0;
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (data: string) => (answer += data));
      const done = () => resolve({ written, answer });
      socket.on('error', done);
      socket.on('close', done);
      socket.write(
        `POST /api/posts HTTP/1.1\r\nHost: x\r\nAuthorization: ${user.headers.authorization}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${1024 * MiB}\r\n\r\n`,
      );
      const pump = () => {
        while (written < 1024 * MiB) {
          written += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    expect(result.answer).toMatch(/^HTTP\/1\.1 413/);
    expect(result.written / MiB).toBeLessThan(100);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('FRONTEND_URL outside production', () => {
  it('defaults to the address the server listens on', () => {
    expect(loadConfig({ DATA_DIR: t.dataDir, PORT: '18480' }).frontendUrl).toBe('http://localhost:18480');
    expect(loadConfig({ DATA_DIR: t.dataDir, HOST: '0.0.0.0', PORT: '9000' }).frontendUrl).toBe(
      'http://localhost:9000',
    );
    expect(listenUrl('192.168.1.20', 8080)).toBe('http://192.168.1.20:8080');
    expect(listenUrl('fd00::1', 8080)).toBe('http://[fd00::1]:8080');
  });

  it('is what the reset mail, the feed, the sitemap and robots.txt link to', async () => {
    const other = await createTestApp({ PORT: '18480' });
    try {
      const user = await signUp(other.app);
      await other.app.inject({
        method: 'POST',
        url: '/api/users/forgot-password',
        payload: { email: user.email },
      });
      await other.app.jobs.runDue();
      const [mail] = await other.outbox();
      expect(mail).toContain('http://localhost:18480/reset-password?token=');
      for (const url of ['/feed.xml', '/sitemap.xml', '/robots.txt']) {
        const body = (await other.app.inject(url)).body;
        expect(body, url).toContain('http://localhost:18480');
        expect(body, url).not.toContain('localhost:8000');
      }
    } finally {
      await other.close();
    }
  });
});
