import { errorMessage } from './dom.js';
import { forgetToken, storedToken } from './token.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The answer's body: `{detail}`, with FastAPI's list of issues for a 422. */
    readonly body: unknown,
  ) {
    super(message);
  }
}

interface RequestOptions {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as a form (urlencoded or multipart, as the body type says). */
  form?: URLSearchParams | FormData;
}

/**
 * Calls the JSON API with the stored token. A 401 means the token is no longer good: it is dropped.
 * Errors become an ApiError carrying the API's own message.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers = new Headers({ accept: 'application/json' });
  const token = storedToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let body: BodyInit | undefined = options.form;
  if (options.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body });
  const payload: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && token) forgetToken();
    throw new ApiError(errorMessage(payload), response.status, payload);
  }
  return payload as T;
}
