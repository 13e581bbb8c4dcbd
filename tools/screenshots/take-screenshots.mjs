// Screenshots of UpdateBot's cards as a person sees them in the Microsoft 365 Agents Playground (issue 5).
//
// Needs a running stack (scripts/screenshots.sh starts one with run.sh and calls this). It opens the Playground's web
// UI in headless Chromium FIRST (the UI only shows messages that arrive while it is open), then drives one realistic
// week through the Playground's HTTP API exactly as the end-to-end tests do (tests/UpdateBot.EndToEnd.Tests), reading
// every card's action data from the cards the bot actually sent (conversation websocket) and the other members' 1:1
// prompts from the traffic-log websocket. Between steps it switches the UI to the right chat or channel and saves an
// element screenshot of the card, cropped with a small margin, at 2x.
//
//   node tools/screenshots/take-screenshots.mjs --playground http://localhost:56190 --out docs/images [--chromium /usr/bin/chromium]
//
// Node 20 needs --experimental-websocket (Node 22+ has WebSocket built in); scripts/screenshots.sh passes it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

// ------------------------------------------------------------------ options
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
  if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
  return pairs;
}, []));
const BASE = (args.playground ?? process.env.PLAYGROUND_URL ?? 'http://localhost:56150').replace(/\/$/, '');
const OUT = path.resolve(args.out ?? 'docs/images');
const CHROMIUM = args.chromium ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
const DEBUG_DIR = args.debug; // optional: full-page screenshots and the message stream, for diagnosing a failure
const WAIT_MS = Number(process.env.SHOTS_WAIT_MS ?? 20000);

const SQUAD = 'Mental Health Discovery';
const SECTIONS = ['Highlights', 'Discovery and delivery', 'People we met', 'Recruitment and team', 'Reading and links'];

// What the squad wrote this week. Fictional people, realistic public-sector discovery work.
const ANSWERS = {
  '29:priya-shah': {
    Highlights: 'Played back the first round of research to the service owner and the clinical safety lead. They agreed we should test a self-referral route before the end of alpha.',
    'Discovery and delivery': 'Mapped the referral journey end to end with the crisis line team: seven hand-offs, three of them by phone, and no single view of where a referral is.',
    'Recruitment and team': 'Welcome to Gareth, our new content designer, who joined on Monday. Interviews for a second user researcher are on Thursday.',
  },
  '29:tom-okafor': {
    Highlights: 'Ran 6 user research sessions with people who have used crisis services in the last year, and 2 with carers.',
    'Discovery and delivery': 'Early themes: people repeat their story up to five times, and nobody knows what happens after they ring. Affinity map is on the team wall (and in Mural).',
    'People we met': 'The peer support network in Swansea, who offered to help us recruit people with lived experience for the next round.',
  },
  '29:sian-evans': {
    'Discovery and delivery': 'First clickable prototype of the self-referral form: 4 pages, plain language, saves as you go. Tested it with 3 people; all finished, one stalled on the GP question.',
    'Reading and links': 'GOV.UK Service Manual on [accessibility for people with mental health conditions](https://www.gov.uk/service-manual/helping-people-to-use-your-service/understanding-disabilities-and-impairments).',
  },
  '29:marek-nowak': {
    Highlights: 'Spike on the referral API: the regional case system can take a referral by API, so no more re-keying from email.',
    'People we met': 'The integration team at the health board; they are keen to share their FHIR profiles with us.',
  },
  '29:aisha-rahman': {
    'People we met': 'Two GP practice managers in Cardiff, who told us most referrals arrive by fax or email and are re-typed by hand.',
    'Recruitment and team': 'Recruitment brief for round 2 is with the agency: 8 participants, including 2 who use assistive technology.',
    'Reading and links': 'Mind\'s report [Crisis care: what people told us](https://example.org/mind-crisis-care), which matches our early themes.',
  },
  '29:gareth-lloyd': {
    Highlights: 'Rewrote the form\'s start page: reading age down from 14 to 9, and it now says what happens next and when.',
  },
};
const INTRO = 'Week three of discovery: our first research playback, a self-referral prototype in front of real people, and a new content designer.';

// ------------------------------------------------------------------ small helpers
const log = (...parts) => console.error('[screenshots]', ...parts);
class Failure extends Error {}
const fail = (message) => { throw new Failure(message); };

async function api(method, route, body) {
  let response;
  try {
    response = await fetch(BASE + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
  } catch (e) {
    fail(`${method} ${route}: ${e.message} (is the Playground running at ${BASE}?)`);
  }
  const text = await response.text();
  if (!response.ok) fail(`${method} ${route} → ${response.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Everything a websocket sends, kept in order, with a bounded wait for the first entry matching a predicate. */
class Stream {
  constructor(route) { this.route = route; this.items = []; this.waiters = []; }

  open() {
    if (typeof WebSocket === 'undefined') fail('no global WebSocket: run Node 22+, or Node 20 with --experimental-websocket');
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(BASE.replace(/^http/, 'ws') + this.route);
      const timer = setTimeout(() => reject(new Failure(`websocket ${this.route}: no connection within 10 s`)), 10000);
      ws.onopen = () => { clearTimeout(timer); resolve(); };
      ws.onerror = () => { clearTimeout(timer); reject(new Failure(`websocket ${this.route}: connection failed`)); };
      ws.onmessage = (event) => {
        let item;
        try { item = JSON.parse(event.data); } catch { return; }
        this.items.push(item);
        this.waiters = this.waiters.filter((w) => !w.check());
      };
      this.ws = ws;
    });
  }

  get position() { return this.items.length; }

  wait(predicate, what, after = 0, timeoutMs = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const found = this.items.slice(after).find(predicate);
          if (found === undefined) return false;
          clearTimeout(waiter.timer);
          resolve(found);
          return true;
        },
      };
      if (waiter.check()) return;
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Failure(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close() { try { this.ws?.close(); } catch { /* already closed */ } }
}

// Cards: the first TextBlock (or fallbackText) is the title; actions carry their data.
const cardsOf = (message) => (message?.attachments ?? [])
  .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
  .map((a) => (typeof a.content === 'string' ? JSON.parse(a.content) : a.content));

function walk(node, visit) {
  if (Array.isArray(node)) { node.forEach((n) => walk(n, visit)); return; }
  if (node === null || typeof node !== 'object') return;
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (!['data', 'refresh', 'fallback'].includes(key)) walk(value, visit);
  }
}

function cardTitle(card) {
  let title;
  walk(card.body ?? [], (n) => { if (title === undefined && n.type === 'TextBlock') title = n.text; });
  return title ?? card.fallbackText ?? '';
}

function cardText(card) {
  const parts = [];
  walk(card, (n) => { for (const k of ['text', 'title', 'value', 'label']) if (typeof n[k] === 'string') parts.push(n[k]); });
  return parts.join(' | ');
}

function actionData(card, verb) {
  let data;
  walk(card, (n) => { if (data === undefined && n.type === 'Action.Execute' && n.verb === verb) data = structuredClone(n.data ?? {}); });
  return data ?? fail(`the card "${cardTitle(card)}" has no Action.Execute with verb ${verb}`);
}

function inputs(card) {
  const found = [];
  walk(card, (n) => { if (typeof n.type === 'string' && n.type.startsWith('Input.')) found.push(n); });
  return found;
}

const chatOf = (conversationId) => (conversationId ?? '').split(';')[0];

// ------------------------------------------------------------------ the run
const conversation = new Stream('/_ws_conversation/v1/conversations/stream');
const traffic = new Stream('/_ws/log/stream');
let browser;
const produced = [];

async function main() {
  mkdirSync(OUT, { recursive: true });
  if (DEBUG_DIR) mkdirSync(DEBUG_DIR, { recursive: true });

  const { config } = await api('GET', '/_internal/v1/testConfig');
  const lead = config.currentUser;
  const bot = config.bot;
  const personal = config.personalChat.id;
  const team = config.teams[0];
  const teamLabel = `${team.name} - General`;
  log(`Playground ${BASE}: tenant ${config.tenantId}, lead ${lead.name}, team ${team.name}`);

  // Connect the streams before anything can make the bot talk.
  await conversation.open();
  await traffic.open();

  // 1. The browser first: the UI shows only what arrives while it is open. Loading it installs the app 1:1.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 2200 }, deviceScaleFactor: 2, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  let at = conversation.position;
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded', timeout: 30000 });
  // The page load sends installationUpdate + conversationUpdate for the 1:1 chat; wait until the bot has taken them.
  await traffic.wait((e) => parseMaybe(e.log?.request?.body)?.type === 'conversationUpdate' && e.log?.response?.statusCode < 300,
    'the web UI to load and install the app 1:1 (conversationUpdate answered by the bot)', 0, 40000);
  await page.locator('[role="treeitem"][aria-label="Personal Chat"]').waitFor({ state: 'visible' })
    .catch(() => fail('the Playground UI shows no "Personal Chat" after loading (did the page render?)'));
  await hideChrome(page);

  // 2. Install in the team: welcome + setup card in General.
  at = conversation.position;
  const install = await api('GET', `/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(team.id)}&type=install`);
  await api('POST', '/_internal/v1/customActivities', install);
  const inTeam = (title) => (e) => chatOf(e.actionConversationId) === team.id && e.action === 'createMessage' && cardsOf(e.message).some((c) => cardTitle(c) === title);
  await conversation.wait(inTeam('Welcome to UpdateBot'), 'the welcome card in the team channel', at);
  const setupEvent = await conversation.wait(inTeam("Set up your squad's weekly update"), 'the setup card in the team channel', at);
  log('installed in the team: welcome and setup cards posted');

  await openConversation(page, teamLabel);
  await shoot(page, 'welcome-card.png', 'Welcome to UpdateBot', 'the welcome card in the team channel');

  // 3. The lead saves the setup card (its own data, plus the inputs as Teams merges them).
  const setupCard = cardsOf(setupEvent.message).find((c) => cardTitle(c) === "Set up your squad's weekly update");
  const setup = actionData(setupCard, 'setup.save');
  for (const input of inputs(setupCard)) if (input.value !== undefined) setup[input.id] = input.value;
  Object.assign(setup, { name: SQUAD, timeZone: 'Europe/London', sections: SECTIONS.join('\n'), autoPublish: 'false' });
  const saved = await execute(setupEvent.actionConversationId, setupEvent.message.messageId, 'setup.save', setup);
  expectCard(saved, 'Weekly update is set up', 'saving the setup card');
  log('setup saved');

  // 4. "prompt now" 1:1: the lead's prompt card here, the others' in chats the UI does not show (read from the traffic log).
  at = conversation.position;
  const trafficAt = traffic.position;
  await api('POST', `/_conversation/v1/conversations/${encodeURIComponent(personal)}/messages`, { from: { id: lead.id }, text: 'prompt now', textFormat: 'plain' });
  const promptTitle = `${SQUAD}: your weekly update`;
  const promptEvent = await conversation.wait((e) => chatOf(e.actionConversationId) === personal && cardsOf(e.message).some((c) => cardTitle(c) === promptTitle),
    'the prompt card in the lead\'s 1:1 chat', at);
  await conversation.wait((e) => chatOf(e.actionConversationId) === personal && (e.message?.text ?? '').includes('Prompts for'), 'the prompt-now report', at);
  const promptCard = cardsOf(promptEvent.message).find((c) => cardTitle(c) === promptTitle);
  await traffic.wait((e) => JSON.stringify(e.log?.request?.body ?? '').includes('Prompts for'), 'the prompt-now report in the traffic log', trafficAt);
  log('prompt card received');

  await openConversation(page, 'Personal Chat');
  await shoot(page, 'prompt-card.png', promptTitle, 'the prompt card in the 1:1 chat');

  // 5. Everyone answers. The lead's answer updates the card in place in the UI.
  at = conversation.position;
  const leadAnswer = await answer(promptEvent.actionConversationId, promptEvent.message.messageId, promptCard, lead.id, ANSWERS[lead.id]);
  expectCard(leadAnswer, 'Thanks — your update is in', "submitting the lead's prompt card");
  // A 1:1 Action.Execute is answered by the invoke response alone (docs/protocol.md, "Universal Actions"): Teams redraws
  // the card from it, but the Playground's UI redraws only on an update it is sent, and an invoke made through its API
  // sends none. When no redraw comes, the answered card's screenshot from an earlier run is kept.
  const redrawn = await conversation.wait((e) => e.action === 'updateMessage' && e.message?.messageId === promptEvent.message.messageId,
    'the prompt card updated in place', at, 5000).then(() => true, () => false);
  if (redrawn) await shoot(page, 'answered-card.png', 'Thanks — your update is in', 'the answered summary card in the 1:1 chat');
  else log('the Playground did not redraw the answered card (no update is sent in a 1:1 chat); answered-card.png kept');

  const others = otherPrompts(traffic.items.slice(trafficAt), promptTitle, lead.id);
  let answered = 0;
  for (const member of config.users) {
    if (!ANSWERS[member.id]) continue;
    const response = await answerInOwnChat(member, others, ANSWERS[member.id]);
    if (!response) { log(`WARNING: found no prompt for ${member.name} in the traffic log; their answer is left out`); continue; }
    expectCard(response, 'Thanks — your update is in', `${member.name}'s answer`);
    answered++;
  }
  log(`answers in: ${lead.name} and ${answered} other member(s)`);

  // 6. The lead's review desk, 1:1.
  at = conversation.position;
  await api('POST', `/_conversation/v1/conversations/${encodeURIComponent(personal)}/messages`, { from: { id: lead.id }, text: 'preview', textFormat: 'plain' });
  const reviewEvent = await conversation.wait((e) => chatOf(e.actionConversationId) === personal && cardsOf(e.message).some((c) => cardTitle(c).startsWith('Draft for review')),
    'the review header card', at);
  const reviewCard = cardsOf(reviewEvent.message).find((c) => cardTitle(c).startsWith('Draft for review'));
  const reviewTitle = cardTitle(reviewCard);
  // Let the item cards that follow the header arrive, then write the intro (the header is updated in place).
  await new Promise((r) => setTimeout(r, 1500));
  at = conversation.position;
  const intro = actionData(reviewCard, 'digest.intro');
  intro.intro = INTRO;
  await execute(reviewEvent.actionConversationId, reviewEvent.message.messageId, 'digest.intro', intro);
  await conversation.wait((e) => e.action === 'updateMessage' && e.message?.messageId === reviewEvent.message.messageId, 'the review header updated with the intro', at, 10000)
    .catch(() => log('the review header was not updated in place after saving the intro (screenshot shows it as first sent)'));
  await shoot(page, 'review-card.png', reviewTitle, "the lead's review card in the 1:1 chat");
  await shoot(page, 'review-items-card.png', 'Hide', "the lead's review card for one section (Hide / Edit per item)", OUT, (cards) => cards.first());

  // 7. Publish: the weeknote is posted in the channel.
  at = conversation.position;
  const latestHeader = latestCard(reviewEvent.message.messageId) ?? reviewCard;
  const published = await execute(reviewEvent.actionConversationId, reviewEvent.message.messageId, 'digest.publish', actionData(latestHeader, 'digest.publish'));
  if (published?.type !== 'application/vnd.microsoft.card.adaptive') log(`publish answered ${JSON.stringify(published).slice(0, 200)}`);
  const digestTitle = `${SQUAD} weeknotes — Update 1`;
  await conversation.wait(inTeam(digestTitle), 'the weeknote post in the team channel', at);
  log('weeknote published');
  await openConversation(page, teamLabel);
  await shoot(page, 'digest-card.png', digestTitle, 'the published weeknote in the team channel');

  if (DEBUG_DIR) {
    // Does a page opened now show what was sent before it loaded? (It did not, with Playground 0.2.28.)
    const late = await context.newPage();
    await late.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
    await late.waitForTimeout(5000);
    await openConversation(late, teamLabel);
    log(`debug: a page loaded after the week shows ${await late.locator('.ac-adaptiveCard').count()} card(s) in ${teamLabel}`);
    await late.screenshot({ path: path.join(DEBUG_DIR, 'late-page.png') });
    await late.close();
  }
  if (pageErrors.length) log(`page errors (informational): ${[...new Set(pageErrors)].slice(0, 5).join(' / ')}`);
}

// ------------------------------------------------------------------ driving
async function execute(conversationId, replyToId, verb, data, fromId) {
  const from = fromId ?? (await api('GET', '/_internal/v1/testConfig')).config.currentUser.id;
  return api('POST', '/_conversation/v1/invoke', {
    name: 'adaptiveCard/action',
    conversation: { id: conversationId },
    from: { id: from },
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}

function answer(conversationId, messageId, card, fromId, bySection) {
  const data = actionData(card, 'prompt.submit');
  const fields = inputs(card);
  for (const [title, text] of Object.entries(bySection)) {
    const input = fields.find((i) => i.label === title) ?? fail(`the prompt card has no section "${title}" (it has: ${fields.map((i) => i.label).join(', ')})`);
    data[input.id] = text;
  }
  return execute(conversationId, messageId, 'prompt.submit', data, fromId);
}

function expectCard(response, title, what) {
  const card = response?.value;
  if (response?.type !== 'application/vnd.microsoft.card.adaptive' || !card) fail(`${what}: expected a card in the invoke response, got ${JSON.stringify(response).slice(0, 300)}`);
  if (cardTitle(card) !== title) fail(`${what}: expected the card "${title}", got "${cardTitle(card)}": ${cardText(card).slice(0, 300)}`);
}

/** The newest version of a message's card, as the stream last delivered it. */
function latestCard(messageId) {
  const events = conversation.items.filter((e) => e.message?.messageId === messageId);
  return events.length ? cardsOf(events[events.length - 1].message)[0] : undefined;
}

/**
 * The other members' prompts. The bot opens their 1:1 chats (POST /v3/conversations) and posts a prompt card in each;
 * the Playground does not stream those chats, so read them from the traffic log: each member's chat id from the
 * createConversation entries, the prompt cards (their activity ids and action data) from the message entries. The log
 * does not say which chat a message went to, so answer() tries the candidates until the Playground accepts one.
 */
function otherPrompts(entries, promptTitle, leadId) {
  const chats = new Map(); // member id → chat id
  const cards = [];        // { activityId, card }
  for (const entry of entries) {
    const l = entry.log ?? {};
    const request = parseMaybe(l.request?.body);
    const response = parseMaybe(l.response?.body);
    if (l.activityName === 'createConversation' && request?.isGroup === false && response?.id) {
      for (const m of request.members ?? []) if (m.id !== leadId) chats.set(m.id, response.id);
    } else if (l.activityName === 'message' && l.response?.statusCode === 201 && response?.id) {
      const card = cardsOf(request).find((c) => cardTitle(c) === promptTitle);
      if (card) cards.push({ activityId: String(response.id), card });
    }
  }
  return { chats, cards };
}

/** A member answers their own prompt, in their own chat; returns the bot's invoke response. */
async function answerInOwnChat(member, others, bySection) {
  const chat = others.chats.get(member.id);
  if (!chat) return undefined;
  for (const candidate of others.cards) {
    if (candidate.used) continue;
    try {
      const response = await answer(chat, candidate.activityId, candidate.card, member.id, bySection);
      candidate.used = true;
      return response;
    } catch (e) {
      if (!(e instanceof Failure) || !/→ 4\d\d/.test(e.message)) throw e; // not in this chat: try the next one
    }
  }
  return undefined;
}

function parseMaybe(value) {
  if (typeof value !== 'string') return value;
  try { return JSON.parse(value); } catch { return undefined; }
}

// ------------------------------------------------------------------ the browser
/** Close the log panel so the chat pane is as wide as a Teams client's. */
async function hideChrome(page) {
  const close = page.locator('button[aria-label="Close"], button[title="Close"]').first();
  if (await close.isVisible().catch(() => false)) await close.click().catch(() => {});
}

async function openConversation(page, label) {
  const item = page.locator(`[role="treeitem"][aria-label="${label}"]`);
  await item.first().click({ timeout: 10000 }).catch((e) => fail(`cannot open "${label}" in the Playground UI: ${e.message.split('\n')[0]}`));
  await page.waitForTimeout(500);
}

/**
 * Screenshot a rendered card whose text contains `title` (the newest, unless `pick` chooses), with a small margin, into
 * `dir`. Only the chat pane's card is captured: the viewport is tall enough for the longest card (checked below).
 */
async function shoot(page, file, title, what, dir = OUT, pick = (cards) => cards.last()) {
  const cards = page.locator('.ac-adaptiveCard').filter({ hasText: title });
  try {
    await pick(cards).waitFor({ state: 'visible', timeout: WAIT_MS });
  } catch {
    if (DEBUG_DIR) await page.screenshot({ path: path.join(DEBUG_DIR, `failed-${file}`) });
    fail(`${what}: no rendered card containing "${title}" in the Playground UI within ${WAIT_MS / 1000} s`);
  }
  const card = pick(cards);
  await card.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300); // let fonts and layout settle
  const box = await card.boundingBox() ?? fail(`${what}: the card has no layout box`);
  const viewport = page.viewportSize();
  if (box.height > viewport.height - 40) log(`${what}: the card is ${Math.round(box.height)} px tall, close to the viewport; it may be cut`);
  const margin = 12;
  const clip = {
    x: Math.max(0, box.x - margin),
    y: Math.max(0, box.y - margin),
    width: Math.min(viewport.width - Math.max(0, box.x - margin), box.width + 2 * margin),
    height: box.height + 2 * margin,
  };
  const file_ = path.join(dir, file);
  await page.screenshot({ path: file_, clip, animations: 'disabled' });
  produced.push(`${path.relative(process.cwd(), file_)}  (${what}, ${Math.round(box.width)}×${Math.round(box.height)} CSS px)`);
  log(`saved ${file}: ${what}`);
  if (DEBUG_DIR) await page.screenshot({ path: path.join(DEBUG_DIR, `page-${file}`) });
}

// ------------------------------------------------------------------ entry point
const overall = setTimeout(() => { log('ERROR: gave up after 5 minutes'); process.exit(1); }, 5 * 60 * 1000);
try {
  await main();
  console.log(produced.join('\n'));
} catch (e) {
  log(`ERROR: ${e instanceof Failure ? e.message : e.stack}`);
  process.exitCode = 1;
} finally {
  clearTimeout(overall);
  if (DEBUG_DIR) {
    writeFileSync(path.join(DEBUG_DIR, 'conversation-stream.json'), JSON.stringify(conversation.items, null, 2));
    writeFileSync(path.join(DEBUG_DIR, 'traffic-stream.json'), JSON.stringify(traffic.items, null, 2));
  }
  conversation.close();
  traffic.close();
  await browser?.close().catch(() => {});
}
