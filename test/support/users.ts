import { randomUUID } from 'node:crypto';
import type { App } from './app.js';

let counter = 0;

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
  /** `{ authorization: 'Bearer <token>' }` */
  headers: { authorization: string };
}

/** Registers a user through the API and logs in, as a client would. */
export async function signUp(
  app: App,
  fields: Partial<Pick<TestUser, 'username' | 'email' | 'password'>> = {},
): Promise<TestUser> {
  counter += 1;
  const username = fields.username ?? `user${counter}_${randomUUID().slice(0, 6)}`;
  const email = fields.email ?? `${username.toLowerCase()}@example.com`;
  const password = fields.password ?? 'correct horse battery';
  const created = await app.inject({
    method: 'POST',
    url: '/api/users',
    payload: { username, email, password },
  });
  if (created.statusCode !== 201) throw new Error(`sign up failed: ${created.statusCode} ${created.body}`);
  const token = await logIn(app, email, password);
  return {
    id: created.json<{ id: number }>().id,
    username,
    email,
    password,
    token,
    headers: { authorization: `Bearer ${token}` },
  };
}

export async function logIn(app: App, email: string, password: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/users/token',
    payload: new URLSearchParams({ username: email, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (response.statusCode !== 200) throw new Error(`log in failed: ${response.statusCode} ${response.body}`);
  return response.json<{ access_token: string }>().access_token;
}

/** Writes a post through the API, as another client would; returns its id. */
export async function createPost(
  app: App,
  user: TestUser,
  fields: {
    title?: string | null;
    content: string;
    description?: string;
    status?: 'published' | 'draft';
    publish_at?: string;
    tags?: string[];
  } = { title: 'A title', content: 'Some words' },
): Promise<number> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/posts',
    headers: user.headers,
    payload: fields,
  });
  if (response.statusCode !== 201) throw new Error(`post failed: ${response.statusCode} ${response.body}`);
  return response.json<{ id: number }>().id;
}

/** The canonical address of a post's page (`/posts/{id}/{slug}`), where `/posts/{id}` leads. */
export async function postPagePath(app: App, postId: number): Promise<string> {
  const response = await app.inject(`/posts/${postId}`);
  if (response.statusCode !== 301) throw new Error(`no page for post ${postId}: ${response.statusCode}`);
  return response.headers.location as string;
}
