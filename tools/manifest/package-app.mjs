#!/usr/bin/env node
// Builds the Teams app package: manifest/manifest.json with its ${{PLACEHOLDERS}} filled, plus both icons, zipped.
//
//   node tools/manifest/package-app.mjs --bot-id <GUID> --domain <host> [--app-version 1.0.0] [--out file.zip]
//   (or the environment: BOT_ID, BOT_DOMAIN, APP_VERSION; optional TEAMS_APP_ID (defaults to BOT_ID), DEVELOPER_NAME)
//
// The privacy and terms links are https://<BOT_DOMAIN>/privacy and /terms, which the service answers itself or
// redirects to the organisation's own pages (Pages:PrivacyUrl, Pages:TermsUrl; docs/deploy.md).
//
// Writes the filled files to artifacts/app/ and the package to artifacts/updatebot-app.zip (default), then validates
// the package with validate-manifest.mjs; exits non-zero on any error.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createZip } from "./zip.mjs";
import { validateAppPath } from "./validate-manifest.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEMVER = /^\d+\.\d+\.\d+$/;
const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

function parseArgs(argv) {
  const names = { "--bot-id": "BOT_ID", "--domain": "BOT_DOMAIN", "--app-version": "APP_VERSION", "--app-id": "TEAMS_APP_ID", "--out": "OUT" };
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (!(flag in names)) throw new Error(`unknown argument ${argv[i]}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    out[names[flag]] = value;
  }
  return out;
}

export function fillValues(input) {
  const v = (k) => (input[k] ?? "").trim();
  const botId = v("BOT_ID");
  const domain = v("BOT_DOMAIN").replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
  const version = v("APP_VERSION") || "1.0.0";
  const appId = v("TEAMS_APP_ID") || botId;
  const problems = [];
  if (!GUID.test(botId)) problems.push(`BOT_ID must be the bot's Microsoft app id (a GUID), got "${botId}"`);
  if (!GUID.test(appId)) problems.push(`TEAMS_APP_ID must be a GUID, got "${appId}"`);
  if (!HOST.test(domain)) problems.push(`BOT_DOMAIN must be the bot's host name (e.g. updatebot-abc.azurewebsites.net), got "${domain}"`);
  if (!SEMVER.test(version)) problems.push(`APP_VERSION must look like 1.2.3, got "${version}"`);
  if (problems.length) throw new Error(problems.join("\n"));
  return {
    BOT_ID: botId.toLowerCase(),
    TEAMS_APP_ID: appId.toLowerCase(),
    BOT_DOMAIN: domain.toLowerCase(),
    APP_VERSION: version,
    DEVELOPER_NAME: v("DEVELOPER_NAME") || "UpdateBot",
  };
}

export function fillManifest(template, values) {
  return template.replace(/\$\{\{([A-Z0-9_]+)\}\}/g, (m, key) => {
    if (!(key in values)) throw new Error(`manifest uses unknown placeholder ${m}`);
    return JSON.stringify(values[key]).slice(1, -1); // JSON-escaped
  });
}

export async function packageApp(input) {
  const values = fillValues(input);
  const manifestDir = path.join(root, "manifest");
  const manifest = fillManifest(readFileSync(path.join(manifestDir, "manifest.json"), "utf8"), values);
  const icons = JSON.parse(manifest).icons;
  const stage = path.join(root, "artifacts", "app");
  mkdirSync(stage, { recursive: true });
  const entries = [{ name: "manifest.json", data: Buffer.from(manifest, "utf8") }];
  for (const name of [icons.color, icons.outline]) entries.push({ name, data: readFileSync(path.join(manifestDir, name)) });
  for (const { name, data } of entries) writeFileSync(path.join(stage, name), data);
  const out = path.resolve(input.OUT || path.join(root, "artifacts", "updatebot-app.zip"));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, createZip(entries));
  const errors = await validateAppPath(out);
  return { out, values, errors };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { out, values, errors } = await packageApp({ ...process.env, ...parseArgs(process.argv.slice(2)) });
    if (errors.length) {
      console.error(`package ${out} is INVALID:\n  - ${errors.join("\n  - ")}`);
      process.exit(1);
    }
    console.log(`wrote ${path.relative(process.cwd(), out) || out} (bot ${values.BOT_ID}, version ${values.APP_VERSION}, domain ${values.BOT_DOMAIN}); manifest valid`);
  } catch (e) {
    console.error(`package-app: ${e.message}`);
    process.exit(1);
  }
}
