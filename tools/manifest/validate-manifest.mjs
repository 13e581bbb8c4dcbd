#!/usr/bin/env node
// Validates a filled Teams app manifest and its icons.
//
//   node tools/manifest/validate-manifest.mjs <app.zip | folder with manifest.json | manifest.json>
//
// Checks: the official JSON schema of the manifest's version, with the validator the Teams Toolkit uses
// (@microsoft/app-manifest AppManifestUtils.validateAgainstSchema), read from the copy that pinned package bundles
// (never fetched: a version it does not bundle is an error); "$schema" names that same version; no unfilled
// ${{PLACEHOLDER}}; the bot has scopes personal and team, supportsFiles false, no supportsSessions, command lists
// non-empty without repeats (the schema bounds their length); Add installs into a team (defaultInstallScope team);
// validDomains are bare host names; the colour icon is a 192×192 PNG; the outline icon is a 32×32 PNG with
// transparency whose visible pixels are white.
// Prints one JSON line {"file","ok","errors":[…]}; exit 1 when invalid, 2 on bad usage.
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodePng } from "./png.mjs";
import { readZip } from "./zip.mjs";

const require = createRequire(import.meta.url);

/** files: Map(name → Buffer) holding manifest.json and the icons it names. Returns a list of errors. */
export async function validateAppFiles(files) {
  const errors = [];
  const manifestBuf = files.get("manifest.json");
  if (!manifestBuf) return ["manifest.json is missing"];
  const text = manifestBuf.toString("utf8");
  const placeholders = text.match(/\$\{\{[A-Z0-9_]+\}\}/g);
  if (placeholders) errors.push(`unfilled placeholders: ${[...new Set(placeholders)].join(", ")}`);
  let manifest;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    return [...errors, `manifest.json is not valid JSON: ${e.message}`];
  }

  const { AppManifestUtils } = require("@microsoft/app-manifest");
  const version = String(manifest.manifestVersion ?? "");
  const [major, minor] = version.split(".").map(Number);
  if (!(major > 1 || (major === 1 && minor >= 19))) errors.push(`manifestVersion must be 1.19 or newer, got ${manifest.manifestVersion}`);
  const officialSchema = `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`;
  if (manifest.$schema !== officialSchema) {
    errors.push(`$schema must be ${officialSchema} (the official schema of manifestVersion ${version})`);
  }
  const schema = bundledSchema(version);
  if (!schema) {
    errors.push(`no bundled schema for manifest version ${version} in the pinned @microsoft/app-manifest`);
  } else {
    try {
      for (const e of await AppManifestUtils.validateAgainstSchema(manifest, schema)) errors.push(`schema: ${e}`);
    } catch (e) {
      errors.push(`schema validation could not run: ${e.message}`);
    }
  }
  if (manifest.defaultInstallScope !== "team") errors.push(`defaultInstallScope must be "team" (Add installs UpdateBot into a team), got ${JSON.stringify(manifest.defaultInstallScope)}`);

  const bots = Array.isArray(manifest.bots) ? manifest.bots : [];
  if (bots.length !== 1) errors.push(`expected exactly one bot, found ${bots.length}`);
  for (const bot of bots) {
    for (const scope of ["personal", "team"]) {
      if (!bot.scopes?.includes(scope)) errors.push(`bot scopes must include "${scope}"`);
    }
    if (bot.supportsFiles !== false) errors.push("bot supportsFiles must be false");
    if ("supportsSessions" in bot) errors.push("bot must not declare supportsSessions");
    const lists = bot.commandLists ?? [];
    for (const scope of ["personal", "team"]) {
      const list = lists.find((l) => l.scopes?.includes(scope));
      if (!list) { errors.push(`no command list for scope ${scope}`); continue; }
      const titles = (list.commands ?? []).map((c) => c.title);
      if (titles.length === 0) errors.push(`command list for ${scope} is empty`);
      if (new Set(titles).size !== titles.length) errors.push(`command list for ${scope} repeats a command`);
    }
  }
  for (const d of manifest.validDomains ?? []) {
    if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(d)) errors.push(`validDomains entry "${d}" must be a bare host name`);
  }

  const icon = (kind, size) => {
    const name = manifest.icons?.[kind];
    const buf = name && files.get(name);
    if (!buf) { errors.push(`${kind} icon "${name}" is missing`); return undefined; }
    let png;
    try { png = decodePng(buf); } catch (e) { errors.push(`${kind} icon: ${e.message}`); return undefined; }
    if (png.width !== size || png.height !== size) errors.push(`${kind} icon must be ${size}×${size}, is ${png.width}×${png.height}`);
    return png;
  };
  icon("color", 192);
  const outline = icon("outline", 32);
  if (outline) {
    const hasAlpha = outline.colorType === 4 || outline.colorType === 6 || outline.hasTransparencyChunk;
    if (!hasAlpha) errors.push("outline icon must have a transparent background (no alpha channel)");
    else if (!outline.rgba) errors.push("outline icon: use 8-bit RGBA so it can be checked");
    else {
      let transparent = 0, visible = 0, coloured = 0;
      for (let i = 0; i < outline.rgba.length; i += 4) {
        const [r, g, b, a] = outline.rgba.subarray(i, i + 4);
        if (a === 0) transparent++;
        else { visible++; if (r < 250 || g < 250 || b < 250) coloured++; }
      }
      if (!transparent) errors.push("outline icon has no transparent pixels");
      if (!visible) errors.push("outline icon is empty");
      if (coloured) errors.push(`outline icon must be white on transparent (${coloured} non-white pixels)`);
    }
  }
  return errors;
}

/** The official Teams manifest schema of a version, as the pinned @microsoft/app-manifest bundles it (no network). */
function bundledSchema(version) {
  if (!/^\d+\.\d+$/.test(version)) return undefined;
  const packageDir = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
  const file = path.join(packageDir, "build", "json-schemas", "teams", `v${version}`, "MicrosoftTeams.schema.json");
  if (!existsSync(file)) return undefined;
  // The published schemas contain "\a" and "\v" escapes that JSON does not have; the package's own loader maps them too.
  return JSON.parse(readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));
}

export async function validateAppPath(target) {
  const files = new Map();
  if (target.endsWith(".zip")) {
    for (const [name, data] of readZip(readFileSync(target))) files.set(name, data);
  } else {
    const dir = statSync(target).isDirectory() ? target : path.dirname(target);
    const manifestPath = statSync(target).isDirectory() ? path.join(dir, "manifest.json") : target;
    files.set("manifest.json", readFileSync(manifestPath));
    try {
      const icons = JSON.parse(files.get("manifest.json").toString("utf8")).icons ?? {};
      for (const name of Object.values(icons)) {
        if (typeof name === "string" && existsSync(path.join(dir, name))) files.set(name, readFileSync(path.join(dir, name)));
      }
    } catch { /* reported by validateAppFiles */ }
  }
  return validateAppFiles(files);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target || process.argv.length > 3) {
    process.stderr.write("usage: node tools/manifest/validate-manifest.mjs <app.zip | folder | manifest.json>\n");
    process.exit(2);
  }
  let errors;
  try {
    errors = await validateAppPath(target);
  } catch (e) {
    errors = [e.message];
  }
  process.stdout.write(JSON.stringify({ file: target, ok: errors.length === 0, errors }) + "\n");
  process.exit(errors.length ? 1 : 0);
}
