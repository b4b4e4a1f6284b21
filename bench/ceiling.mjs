// The ceiling: what the load generator can take from a server that does nothing at all. A bare
// node:http server replays one answer of the app, fetched once at start (CEILING_SAMPLE_URL): the same
// status line, headers and body for a plain GET, and the same headers without the body as a 304 for a
// GET with If-None-Match. Beside the app's own 304 and 200, it shows how much of a throughput ratio
// this machine can show at all when the load generator shares its two cores with the server.
//
// Environment: CEILING_SAMPLE_URL, PORT, HOST (127.0.0.1).
import http from 'node:http';

const sample = await fetch(process.env.CEILING_SAMPLE_URL);
const body = Buffer.from(await sample.arrayBuffer());
if (!sample.ok) throw new Error(`${process.env.CEILING_SAMPLE_URL} answered ${sample.status}`);
// Node writes its own date, connection and keep-alive headers, as it does for the app.
const SET_BY_NODE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
const kept = [...sample.headers].filter(([name]) => !SET_BY_NODE.has(name));
const headers = { ...Object.fromEntries(kept), 'content-length': String(body.length) };
const notModifiedHeaders = Object.fromEntries(
  kept.filter(([name]) => name !== 'content-length' && name !== 'content-type'),
);

const server = http.createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
  } else if (request.headers['if-none-match']) {
    response.writeHead(304, notModifiedHeaders).end();
  } else {
    response.writeHead(200, headers).end(body);
  }
});
// The app's keep-alive timeout, so that connections live as long on both sides.
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
