// Load driver for the turn benchmark (docs/benchmarks.md, "Turns"). Sends the same Teams 1:1 activity shape to each
// target in turn (rounds alternate the targets so drift on the machine falls on both), with a fresh activity id per
// request so no de-duplication window can answer from memory, and prints one JSON line per round and a summary.
// Usage: node drive.mjs --target ours=http://127.0.0.1:3978/api/messages --target peer=http://127.0.0.1:3979/api/messages
//          --service-url http://127.0.0.1:4000/ [--text help] [--connections 32] [--duration 10] [--rounds 3] [--warmup 3] [--once 1]
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';

const args = parse(process.argv.slice(2));
const targets = [].concat(args.target ?? []).map(t => { const i = t.indexOf('='); return { name: t.slice(0, i), url: t.slice(i + 1) }; });
const serviceUrl = required(args['service-url'], '--service-url');
const text = args.text ?? 'help';
const connections = Number(args.connections ?? 32);
const duration = Number(args.duration ?? 10);
const rounds = Number(args.rounds ?? 3);
const warmup = Number(args.warmup ?? 3);
const tenant = '72f988bf-0000-4000-8000-00000000beef';
if (targets.length === 0) throw new Error('at least one --target name=url');

// One member per connection: a 1:1 chat each, as 32 people typing at once would be.
function activity(user) {
  const now = new Date().toISOString();
  return JSON.stringify({
    type: 'message', id: `bench-${randomUUID()}`, timestamp: now, localTimestamp: now, channelId: 'msteams',
    serviceUrl, text, textFormat: 'plain', locale: 'en-GB',
    from: { id: `29:bench-user-${user}`, name: `Bench User ${user}`, aadObjectId: `00000000-0000-4000-8000-${String(user).padStart(12, '0')}` },
    recipient: { id: '28:bench-bot', name: 'UpdateBot' },
    conversation: { id: `a:bench-chat-${user}`, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
  });
}

async function load(url, seconds) {
  let next = 0;
  const instance = autocannon({
    url, method: 'POST', connections, duration: seconds, pipelining: 1, timeout: 30,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: request => ({ ...request, body: activity(next++ % connections) }) }],
  });
  const result = await instance;
  return {
    turnsPerSecond: result.requests.mean, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99,
    max: result.latency.max, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
  };
}

if (args.once) {
  // One turn per target, waited for: the first turn creates the tables and warms the JIT.
  for (const target of targets) {
    const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity(0) });
    if (!response.ok) throw new Error(`${target.name}: HTTP ${response.status}`);
  }
  process.exit(0);
}
for (const target of targets) console.log(JSON.stringify({ warmup: true, target: target.name, text, ...await load(target.url, warmup) }));
const results = Object.fromEntries(targets.map(t => [t.name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const target of round % 2 ? targets : [...targets].reverse()) {
    const r = await load(target.url, duration);
    results[target.name].push(r);
    console.log(JSON.stringify({ round, target: target.name, text, ...r }));
  }
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(Object.entries(results).map(([name, rs]) => [name, {
  turnsPerSecond: median(rs.map(r => r.turnsPerSecond)), p50: median(rs.map(r => r.p50)), p99: median(rs.map(r => r.p99)),
  failed: rs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
}]));
console.log('SUMMARY ' + JSON.stringify({ text, connections, duration, rounds, summary }));

function parse(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    out[key] = key in out ? [].concat(out[key], argv[i + 1]) : argv[i + 1];
  }
  return out;
}
function required(value, name) { if (!value) throw new Error(`${name} is required`); return value; }
