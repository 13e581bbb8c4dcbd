// Load driver for the turn benchmark (docs/benchmarks.md, "Turns"). Sends the same Teams 1:1 activity shape to each
// target in turn (rounds alternate the targets so drift on the machine falls on both), with a fresh activity id per
// request so no de-duplication window can answer from memory, and prints one JSON line per round and a summary.
// Usage: node drive.mjs --target ours=http://127.0.0.1:3978/api/messages --target peer=http://127.0.0.1:3979/api/messages
//          --service-url http://127.0.0.1:4000/ [--kind help|submit|status] [--text help] [--connections 32] [--duration 10]
//          [--rounds 3] [--warmup 3] [--once 1] [--seeded '{"squadId":…,"week":…,"input":…,"leadId":…}']
// Kinds: help (a message "help" from each member in their 1:1 chat); submit (an adaptiveCard/action invoke, verb
// prompt.submit, from each member of the seeded squad in their 1:1 chat, writing their answer: the card it answers with
// is checked); status (the lead of the seeded 50-member squad says "status", from their 1:1 chat).
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const args = parse(process.argv.slice(2));
const targets = [].concat(args.target ?? []).map(t => { const i = t.indexOf('='); return { name: t.slice(0, i), url: t.slice(i + 1) }; });
const serviceUrl = required(args['service-url'], '--service-url');
const kind = args.kind ?? 'help';
const text = args.text ?? (kind === 'status' ? 'status' : 'help');
const seeded = args.seeded ? JSON.parse(args.seeded) : null;
if (kind !== 'help' && !seeded) throw new Error(`--kind ${kind} needs --seeded (the SEEDED line of the seeder)`);
const connections = Number(args.connections ?? 32);
const duration = Number(args.duration ?? 10);
const rounds = Number(args.rounds ?? 3);
const warmup = Number(args.warmup ?? 3);
const tenant = '72f988bf-0000-4000-8000-00000000beef';
if (targets.length === 0) throw new Error('at least one --target name=url');
// --pid name=PID: the target's server process, whose CPU time (Linux /proc) is read around each round, so that the cost
// of a turn is reported apart from the load driver and the fake connector that share the machine.
const pids = Object.fromEntries([].concat(args.pid ?? []).map(t => t.split('=')));

// One member per connection: a 1:1 chat each, as 32 people typing at once would be. The status is asked by the lead.
function activity(user) {
  const now = new Date().toISOString();
  const from = kind === 'status' ? 0 : user;
  const base = {
    id: `bench-${randomUUID()}`, timestamp: now, localTimestamp: now, channelId: 'msteams', serviceUrl, locale: 'en-GB',
    from: { id: `29:bench-user-${from}`, name: `Bench User ${from}`, aadObjectId: `00000000-0000-4000-8000-${String(from).padStart(12, '0')}` },
    recipient: { id: '28:bench-bot', name: 'UpdateBot' },
    conversation: { id: `a:bench-chat-${from}`, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
  };
  if (kind === 'submit') {
    return JSON.stringify({
      ...base, type: 'invoke', name: 'adaptiveCard/action', replyToId: `prompt-card-${from}`,
      value: {
        action: { type: 'Action.Execute', verb: 'prompt.submit',
          data: { squadId: seeded.squadId, week: seeded.week, [seeded.input]: `Benchmarked the turn at ${now}` } },
        trigger: 'manual',
      },
    });
  }
  return JSON.stringify({ ...base, type: 'message', text, textFormat: 'plain' });
}

// User plus system CPU of a process in milliseconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms).
function cpuMs(pid) {
  if (!pid) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function load(target, seconds) {
  const url = target.url;
  const cpuBefore = cpuMs(pids[target.name]);
  let next = 0;
  const instance = autocannon({
    url, method: 'POST', connections, duration: seconds, pipelining: 1, timeout: 30,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: request => ({ ...request, body: activity(next++ % connections) }) }],
  });
  const result = await instance;
  const cpu = cpuBefore === undefined ? undefined : cpuMs(pids[target.name]) - cpuBefore;
  return {
    turnsPerSecond: result.requests.mean, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99,
    max: result.latency.max, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    ...(cpu === undefined ? {} : { cpuMs: cpu, cpuMsPerTurn: Number((cpu / Math.max(1, result.requests.total)).toFixed(3)) }),
  };
}

if (args.once) {
  // One turn per target, waited for: the first turn creates the tables and warms the JIT.
  for (const target of targets) {
    for (let user = 0; user < (args.once === 'all' ? connections : 1); user++) {
      const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity(user) });
      if (!response.ok) throw new Error(`${target.name}: HTTP ${response.status}`);
      // An invoke is answered 200 even when refused: the envelope says which. Only the updated card is a Submit that wrote.
      const body = await response.text();
      if (kind === 'submit' && !body.includes('application/vnd.microsoft.card.adaptive')) throw new Error(`${target.name}: the Submit was not answered with a card: ${body.slice(0, 300)}`);
    }
  }
  process.exit(0);
}
for (const target of targets) console.log(JSON.stringify({ warmup: true, target: target.name, kind, ...await load(target, warmup) }));
const results = Object.fromEntries(targets.map(t => [t.name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const target of round % 2 ? targets : [...targets].reverse()) {
    const r = await load(target, duration);
    results[target.name].push(r);
    console.log(JSON.stringify({ round, target: target.name, kind, ...r }));
  }
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(Object.entries(results).map(([name, rs]) => [name, {
  turnsPerSecond: median(rs.map(r => r.turnsPerSecond)), p50: median(rs.map(r => r.p50)), p99: median(rs.map(r => r.p99)),
  failed: rs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  ...(rs[0].cpuMs === undefined ? {} : { cpuMsPerTurn: Number((rs.reduce((n, r) => n + r.cpuMs, 0) / Math.max(1, rs.reduce((n, r) => n + r.total, 0))).toFixed(3)) }),
}]));
// With two targets, the first's turns/s over the second's (ours ÷ the peer, or seeded ÷ empty).
const names = Object.keys(summary);
const ratio = names.length === 2 ? summary[names[0]].turnsPerSecond / summary[names[1]].turnsPerSecond : undefined;
// With two targets and both processes known: the first's server CPU per turn over the second's.
const cpuRatio = names.length === 2 && summary[names[0]].cpuMsPerTurn && summary[names[1]].cpuMsPerTurn
  ? summary[names[0]].cpuMsPerTurn / summary[names[1]].cpuMsPerTurn : undefined;
console.log('SUMMARY ' + JSON.stringify({ kind, connections, duration, rounds, summary, ratio, cpuRatio }));

function parse(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    out[key] = key in out ? [].concat(out[key], argv[i + 1]) : argv[i + 1];
  }
  return out;
}
function required(value, name) { if (!value) throw new Error(`${name} is required`); return value; }
