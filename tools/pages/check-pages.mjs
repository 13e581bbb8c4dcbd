// The open weeknote pages as a person (and a feed reader) meets them (issue 13): loads pages from a running UpdateBot
// in headless Chromium, runs axe-core on each, checks that the page loads nothing from elsewhere and that its own
// stylesheet is allowed by its Content-Security-Policy, optionally saves a screenshot, and parses the Atom feed with
// feedparser (a real feed library). Prints one JSON object; the tests in tests/UpdateBot.EndToEnd.Tests decide.
//
//   node tools/pages/check-pages.mjs --chromium /usr/bin/chromium --page URL [--page URL …] [--feed URL]
//        [--screenshot URL=FILE.png …]
//
// Exit 0 when every step ran (whatever it found), 2 when a step could not run (the message is on stderr).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { chromium } from 'playwright-core';
import FeedParser from 'feedparser';

const require = createRequire(import.meta.url);

const pages = [];
const shots = new Map();
let feedUrl;
let executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [name, value] = [argv[i], argv[i + 1]];
  if (value === undefined) fail(`${name} needs a value`);
  if (name === '--page') pages.push(value);
  else if (name === '--feed') feedUrl = value;
  else if (name === '--chromium') executablePath = value;
  else if (name === '--screenshot') {
    const at = value.lastIndexOf('=');
    shots.set(value.slice(0, at), value.slice(at + 1));
  } else fail(`unknown option ${name}`);
}

// WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (https://www.deque.com/axe/core-documentation/api-documentation/#axe-core-tags).
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function fail(message) {
  process.stderr.write(`check-pages: ${message}\n`);
  process.exit(2);
}

async function checkPage(browser, url) {
  // 1. As a reader's browser sees it: the page's own CSP in force, every request and CSP complaint recorded.
  const strict = await browser.newContext({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 2 });
  const page = await strict.newPage();
  const requests = [];
  const consoleErrors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  const response = await page.goto(url, { waitUntil: 'load' });
  const facts = await page.evaluate(() => ({
    title: document.title,
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('h1').length,
    headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => `${h.tagName.toLowerCase()} ${h.textContent.trim()}`),
    links: [...document.querySelectorAll('a')].map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })),
    // The stylesheet applied (its CSP hash is right) when the body has its 40rem measure.
    styleApplied: getComputedStyle(document.body).maxWidth === '640px',
    scripts: document.scripts.length,
  }));
  const cookies = (await strict.cookies()).map((c) => c.name);
  const screenshot = shots.get(url);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await strict.close();

  // 2. axe-core, injected into a context that lets it run (the page's CSP forbids every script, axe's too).
  const open = await browser.newContext({ bypassCSP: true });
  const axePage = await open.newPage();
  await axePage.goto(url, { waitUntil: 'load' });
  await axePage.evaluate(axeSource);
  const axe = await axePage.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), AXE_TAGS);
  await open.close();

  const origin = new URL(url).origin;
  return {
    url,
    status: response?.status() ?? null, // a data: URL has no response
    ...facts,
    otherOrigins: requests.filter((r) => new URL(r).origin !== origin),
    requests: requests.length,
    cookies,
    consoleErrors,
    screenshot: screenshot ?? null,
    axeVersion: axe.testEngine.version,
    violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, tags: v.tags, targets: v.nodes.map((n) => n.target.join(' ')) })),
  };
}

async function parseFeed(url) {
  const response = await fetch(url);
  if (!response.ok) return { status: response.status };
  const parser = new FeedParser({ feedurl: url });
  const items = [];
  let meta;
  await new Promise((resolve, reject) => {
    parser.on('error', reject);
    parser.on('meta', (m) => { meta = m; });
    parser.on('readable', () => { for (let item; (item = parser.read());) items.push(item); });
    parser.on('end', resolve);
    Readable.fromWeb(response.body).on('error', reject).pipe(parser);
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    type: meta['#type'],
    version: meta['#version'],
    title: meta.title,
    link: meta.link,
    date: meta.date,
    items: items.map((i) => ({ title: i.title, guid: i.guid, link: i.link, date: i.date, pubdate: i.pubdate, description: i.description })),
  };
}

let browser;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
} catch (error) {
  fail(`cannot start Chromium at ${executablePath} (install it: apt-get install chromium): ${error.message.split('\n')[0]}`);
}
try {
  const results = [];
  for (const url of pages) results.push(await checkPage(browser, url));
  const feed = feedUrl ? await parseFeed(feedUrl) : null;
  process.stdout.write(JSON.stringify({ pages: results, feed }) + '\n');
} catch (error) {
  fail(error.stack ?? String(error));
} finally {
  await browser.close();
}
