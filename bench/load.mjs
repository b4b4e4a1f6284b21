// The load generator: one autocannon run in its own process (forked by lib.mjs's runLoad). It receives a
// plain description of the load over IPC and answers with a summary. Request kinds:
//   get          GET `path` (with optional headers; `expectStatus: 304` counts 304s as answered)
//   randomPath   GET `${prefix}${random integer in [min, max]}${suffix}`
//   randomText   GET `${prefix}${length random characters of alphabet, URL-encoded}${suffix}`: a query
//                that asks for the same thing in a new string each time (no cache has seen it)
//   randomCursor GET `${path}?limit=10&cursor=<a random time in [from, to]>_2147483647` (with optional
//                headers): pages starting at random depths (each a new URL, so no cache serves it)
//   login        POST /api/users/token as a random seeded user (`user<n>@example.com`, n in [1, users])
//   createPost   POST /api/posts with a fresh JSON post, as one of `tokens` (round robin)
//   follow       POST or DELETE (at random) /api/users/<random id past the tokens' users>/follow, as one
//                of `tokens` (users 1, 2, ...; round robin)
//   upload       PATCH `path` with a multipart body holding `file` (read once), `authorization` header
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

const randomInt = (min, max) => min + Math.floor(Math.random() * (max - min + 1));
const randomText = (alphabet, length) =>
  Array.from({ length }, () => alphabet[randomInt(0, alphabet.length - 1)]).join('');

const POST_CONTENT =
  'A benchmark post. It is about as long as a short blog entry: a few sentences that say what happened, ' +
  'why it matters, and what comes next. Nothing in it is special, which is the point of a benchmark. ';

function requestsFor(spec) {
  switch (spec.kind) {
    case 'get':
      return { url: spec.url + spec.path, method: 'GET', headers: spec.headers };
    case 'randomCursor': {
      const from = Date.parse(spec.from);
      const to = Date.parse(spec.to);
      const separator = spec.path.includes('?') ? '&' : '?';
      return {
        method: 'GET',
        headers: spec.headers,
        requests: [
          {
            setupRequest: (request) => {
              const at = new Date(randomInt(Math.min(from, to), Math.max(from, to))).toISOString();
              return {
                ...request,
                path: `${spec.path}${separator}limit=10&cursor=${encodeURIComponent(`${at}_2147483647`)}`,
              };
            },
          },
        ],
      };
    }
    case 'randomPath':
      return {
        method: 'GET',
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              path: `${spec.prefix}${randomInt(spec.min, spec.max)}${spec.suffix ?? ''}`,
            }),
          },
        ],
      };
    case 'randomText':
      return {
        method: 'GET',
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              path: `${spec.prefix}${encodeURIComponent(randomText(spec.alphabet, spec.length))}${spec.suffix ?? ''}`,
            }),
          },
        ],
      };
    case 'login':
      return {
        requests: [
          {
            method: 'POST',
            path: '/api/users/token',
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                username: `user${randomInt(1, spec.users)}@example.com`,
                password: spec.password,
              }).toString(),
            }),
          },
        ],
      };
    case 'createPost': {
      let next = 0;
      return {
        requests: [
          {
            method: 'POST',
            path: '/api/posts',
            setupRequest: (request) => {
              const token = spec.tokens[next++ % spec.tokens.length];
              const length = randomInt(100, POST_CONTENT.length * 4);
              return {
                ...request,
                headers: {
                  ...request.headers,
                  'content-type': 'application/json',
                  authorization: `Bearer ${token}`,
                },
                body: JSON.stringify({
                  title: `Benchmark post ${next}`,
                  content: POST_CONTENT.repeat(4).slice(0, length),
                }),
              };
            },
          },
        ],
      };
    }
    case 'follow': {
      let next = 0;
      return {
        requests: [
          {
            setupRequest: (request) => {
              const token = spec.tokens[next++ % spec.tokens.length];
              return {
                ...request,
                method: Math.random() < 0.5 ? 'POST' : 'DELETE',
                path: `/api/users/${randomInt(spec.tokens.length + 1, spec.users)}/follow`,
                headers: { ...request.headers, authorization: `Bearer ${token}` },
              };
            },
          },
        ],
      };
    }
    case 'upload': {
      const boundary = '----benchboundary7MA4YWxkTrZu0gW';
      const file = readFileSync(spec.file);
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(spec.file)}"\r\n` +
            'Content-Type: image/jpeg\r\n\r\n',
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return {
        url: spec.url + spec.path,
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${spec.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
      };
    }
    default:
      throw new Error(`unknown load kind ${spec.kind}`);
  }
}

function summarize(result, spec) {
  const { latency, requests } = result;
  // A 304 is the answer a conditional request wants: counted with the 2xx, not as a failure.
  const expected = spec.expectStatus ? (result.statusCodeStats?.[spec.expectStatus]?.count ?? 0) : 0;
  return {
    durationS: result.duration,
    connections: result.connections,
    requests: requests.total,
    rps: requests.total / result.duration,
    ok: result['2xx'] + expected,
    non2xx: result.non2xx - expected,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    latencyMs: {
      mean: latency.average,
      p50: latency.p50,
      p90: latency.p90,
      p99: latency.p99,
      max: latency.max,
    },
  };
}

process.once('message', (spec) => {
  let options;
  try {
    options = {
      url: spec.url,
      connections: spec.connections ?? 32,
      duration: spec.duration ?? 8,
      amount: spec.amount,
      overallRate: spec.overallRate,
      timeout: spec.timeout ?? 30,
      ...requestsFor(spec),
    };
  } catch (error) {
    process.send({ error: error.message }, () => process.exit(1));
    return;
  }
  autocannon(options, (error, result) => {
    const answer = error ? { error: error.message } : summarize(result, spec);
    process.send(answer, () => process.exit(0));
  });
});
