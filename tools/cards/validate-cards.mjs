#!/usr/bin/env node
// Validates Adaptive Card JSON files with the same library the Teams web client renders them with
// (npm `adaptivecards`, parsed under jsdom).
//
// Usage: node tools/cards/validate-cards.mjs <dir-or-file>...
// Output: one JSON object per line per card: {"file": "...", "ok": true|false, "errors": ["..."]}
// Exit code: 0 when every card is valid, 1 when any card fails, 2 on usage errors.
//
// A card file holds either a bare AdaptiveCard object or an attachment
// ({"contentType": "application/vnd.microsoft.card.adaptive", "content": {...}}).
// Rules on top of the library: version must be "1.5" (protocol.md §7.1); the Teams-only root property `msteams`
// is allowed (the library ignores unknown root properties, so it needs no special case).
import { createRequire } from "node:module";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const REQUIRED_VERSION = "1.5";

function installDomGlobals() {
  const { JSDOM } = require("jsdom");
  const { window } = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
  const names = ["window", "document", "navigator", "HTMLElement", "HTMLDivElement", "HTMLInputElement",
    "HTMLTextAreaElement", "HTMLSelectElement", "HTMLImageElement", "HTMLAnchorElement", "HTMLButtonElement",
    "Node", "Element", "DocumentFragment", "Event", "KeyboardEvent", "MouseEvent", "getComputedStyle",
    "requestAnimationFrame", "cancelAnimationFrame", "DOMParser", "CustomEvent"];
  for (const name of names) {
    if (window[name] !== undefined && globalThis[name] === undefined) {
      Object.defineProperty(globalThis, name, { value: window[name], configurable: true, writable: true });
    }
  }
}

function collectFiles(args) {
  const files = [];
  const walk = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        walk(join(path, entry));
      }
    } else if (path.toLowerCase().endsWith(".json")) {
      files.push(path);
    }
  };
  for (const arg of args) {
    walk(resolve(arg));
  }
  return files;
}

function describe(AC, event) {
  const phase = AC.ValidationPhase[event.phase] ?? String(event.phase);
  const kind = AC.ValidationEvent[event.event] ?? String(event.event);
  const source = event.source && event.source.getJsonTypeName ? ` (${event.source.getJsonTypeName()})` : "";
  return `${phase}/${kind}${source}: ${event.message}`;
}

function validateCard(AC, json) {
  const errors = [];
  let card = json;
  if (card && typeof card === "object" && card.contentType !== undefined) {
    if (card.contentType !== "application/vnd.microsoft.card.adaptive") {
      return [`attachment contentType is ${JSON.stringify(card.contentType)}, expected application/vnd.microsoft.card.adaptive`];
    }
    card = card.content;
  }
  if (!card || typeof card !== "object" || Array.isArray(card)) {
    return ["card is not a JSON object"];
  }
  if (card.type !== "AdaptiveCard") {
    errors.push(`root type is ${JSON.stringify(card.type)}, expected "AdaptiveCard"`);
  }
  if (card.version !== REQUIRED_VERSION) {
    errors.push(`version is ${JSON.stringify(card.version)}, expected "${REQUIRED_VERSION}"`);
  }
  const adaptiveCard = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  try {
    adaptiveCard.parse(card, context);
  } catch (e) {
    errors.push(`parse threw: ${e && e.message ? e.message : String(e)}`);
    return errors;
  }
  for (let i = 0; i < context.eventCount; i++) {
    errors.push(describe(AC, context.getEventAt(i)));
  }
  const validation = adaptiveCard.validateProperties();
  for (const event of validation.validationEvents) {
    errors.push(describe(AC, event));
  }
  return errors;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  process.stderr.write("usage: node tools/cards/validate-cards.mjs <dir-or-file>...\n");
  process.exit(2);
}

installDomGlobals();
const AC = require("adaptivecards/dist/adaptivecards.js");
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = text;
  result.didProcess = true;
};

let failed = false;
const files = collectFiles(args);
for (const file of files) {
  let errors;
  try {
    errors = validateCard(AC, JSON.parse(readFileSync(file, "utf8")));
  } catch (e) {
    errors = [`cannot read card: ${e && e.message ? e.message : String(e)}`];
  }
  const ok = errors.length === 0;
  failed ||= !ok;
  process.stdout.write(JSON.stringify({ file, ok, errors }) + "\n");
}
process.exit(failed ? 1 : 0);
