#!/usr/bin/env node
// Validates Adaptive Card JSON files with the `adaptivecards` library that Teams' web client renders with.
//
//   node tools/cards/validate-cards.mjs <file-or-dir>...
//
// Directories are searched recursively for *.json. A file may hold a card, or a Bot Framework attachment
// ({contentType: "application/vnd.microsoft.card.adaptive", content: card}). For each file it prints one JSON line
// {"file","ok","errors":[…],"warnings":[…]} and exits 1 if any card fails (2 on bad usage).
//
// A card fails on: unreadable JSON; root type not AdaptiveCard; version other than 1.5; an unknown root property
// (the Teams-only `msteams` and `$schema` are allowed); any parse event from SerializationContext (unknown element or
// action types, invalid values, features newer than 1.5, ...); any validateProperties() failure (duplicate ids,
// required inputs without label or error message, ...); a payload over 28 KB measured as UTF-16 (Teams' limit).
// Deprecation notes and hints are reported as warnings only.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { JSDOM } = require("jsdom");

// The UMD build expects a browser: give it jsdom's window globals.
const { window } = new JSDOM("<!DOCTYPE html><html><body></body></html>");
for (const key of Object.getOwnPropertyNames(window)) {
  if (!(key in globalThis)) {
    try { globalThis[key] = window[key]; } catch { /* read-only global */ }
  }
}
globalThis.window = window;
globalThis.document = window.document;

const AC = require("adaptivecards/dist/adaptivecards.js");
// Teams renders Markdown itself; the library only needs a processor so text elements do not warn about it.
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = text;
  result.didProcess = true;
};

const REQUIRED_VERSION = "1.5";
const MAX_UTF16_BYTES = 28 * 1024;
const ROOT_PROPERTIES = new Set([
  "type", "version", "$schema", "msteams", "body", "actions", "selectAction", "fallbackText", "backgroundImage",
  "minHeight", "rtl", "speak", "lang", "verticalContentAlignment", "refresh", "authentication", "metadata", "id",
  "requires", "fallback",
]);
const WARNING_EVENTS = new Set([AC.ValidationEvent.Hint, AC.ValidationEvent.Deprecated]);

function eventText(e) {
  const source = e.source && typeof e.source.getJsonTypeName === "function" ? e.source.getJsonTypeName() : undefined;
  const id = e.source && e.source.id ? `#${e.source.id}` : "";
  return `${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}${source ? ` (${source}${id})` : ""}`;
}

export function validateCardJson(text) {
  const errors = [];
  const warnings = [];
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`InvalidJson: ${e.message}`], warnings };
  }
  if (json && json.contentType === "application/vnd.microsoft.card.adaptive" && "content" in json) json = json.content;
  if (!json || typeof json !== "object" || Array.isArray(json)) return { errors: ["NotAnObject: a card is a JSON object"], warnings };

  if (json.type !== "AdaptiveCard") errors.push(`MissingCardType: root type must be "AdaptiveCard", got ${JSON.stringify(json.type)}`);
  if (json.version !== REQUIRED_VERSION) errors.push(`UnsupportedCardVersion: version must be "${REQUIRED_VERSION}", got ${JSON.stringify(json.version)}`);
  for (const key of Object.keys(json)) {
    if (!ROOT_PROPERTIES.has(key)) errors.push(`UnsupportedProperty: unknown root property "${key}"`);
  }
  const utf16Bytes = JSON.stringify(json).length * 2;
  if (utf16Bytes > MAX_UTF16_BYTES) errors.push(`TooLarge: ${utf16Bytes} bytes as UTF-16, limit ${MAX_UTF16_BYTES}`);

  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const { msteams, ...withoutTeams } = json; // msteams is Teams-only: the library would not know it
  void msteams;
  try {
    card.parse(withoutTeams, context);
  } catch (e) {
    errors.push(`ParseFailed: ${e.message}`);
    return { errors, warnings };
  }
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    (WARNING_EVENTS.has(e.event) ? warnings : errors).push(eventText(e));
  }
  for (const e of card.validateProperties().validationEvents) {
    (WARNING_EVENTS.has(e.event) ? warnings : errors).push(eventText(e));
  }
  return { errors, warnings };
}

function collect(target, out) {
  const st = statSync(target);
  if (st.isDirectory()) {
    for (const name of readdirSync(target).sort()) {
      const child = path.join(target, name);
      if (statSync(child).isDirectory() || name.endsWith(".json")) collect(child, out);
    }
  } else {
    out.push(target);
  }
}

function main(args) {
  if (args.length === 0 || args.includes("--help")) {
    process.stderr.write("usage: node tools/cards/validate-cards.mjs <file-or-dir>...\n");
    return 2;
  }
  const files = [];
  for (const a of args) {
    try {
      collect(a, files);
    } catch (e) {
      process.stdout.write(JSON.stringify({ file: a, ok: false, errors: [`NotFound: ${e.message}`], warnings: [] }) + "\n");
      return 1;
    }
  }
  if (files.length === 0) {
    process.stderr.write("no .json files found\n");
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const { errors, warnings } = validateCardJson(readFileSync(file, "utf8"));
    if (errors.length) failed++;
    process.stdout.write(JSON.stringify({ file, ok: errors.length === 0, errors, warnings }) + "\n");
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
