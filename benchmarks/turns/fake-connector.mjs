// A Bot Connector stand-in for the turn benchmark (docs/benchmarks.md, "Turns"): answers every send, reply, update and
// 1:1 create at once, as Teams would when nothing is throttled, and counts what it received. One process, loopback only.
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let sequence = 0;
let last = null;
const counts = { activities: 0, updates: 0, creates: 0, other: 0 };

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/__stats') return json(res, 200, counts);
    if (req.method === 'GET' && url.pathname === '/__last') return json(res, 200, last);
    const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : '';
    if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/.test(url.pathname)) {
      counts.activities++;
      last = body ? JSON.parse(body) : null;
      return json(res, 201, { id: `m-${++sequence}` });
    }
    if (req.method === 'PUT' && /^\/v3\/conversations\/[^/]+\/activities\/[^/]+$/.test(url.pathname)) {
      counts.updates++;
      return json(res, 200, { id: decodeURIComponent(url.pathname.split('/').pop()) });
    }
    if (req.method === 'POST' && url.pathname === '/v3/conversations') {
      counts.creates++;
      return json(res, 201, { id: `a:bench-${++sequence}` });
    }
    counts.other++;
    json(res, 404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  });
});

function json(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`LISTENING http://127.0.0.1:${server.address().port}/`));
