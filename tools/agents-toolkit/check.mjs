#!/usr/bin/env node
// Validates the Microsoft 365 Agents Toolkit project with the toolkit's own code, offline:
//   1. each m365agents*.yml is parsed and checked against the toolkit's bundled YAML schema by its own parser
//      (@microsoft/teamsfx-core yamlParser, the one `atk provision` and `atk deploy` use);
//   2. `atk package --env dev` builds the app package from manifest/manifest.json and env/.env.dev (with stand-in ids
//      for the values provision writes), and `atk validate --manifest-file` checks it against the manifest schema and
//      the toolkit's validation rules.
// `atk validate --package-file` (the Developer Portal's checks), provision and deploy need a signed-in tenant and are
// not run here. Prints one JSON line {"ok","checks":[…],"errors":[…]}; exit 1 on any error.
//   node tools/agents-toolkit/check.mjs   (after: npm ci --ignore-scripts --prefix tools/agents-toolkit)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const require = createRequire(path.join(here, "package.json"));
const atk = path.join(here, "node_modules", ".bin", "atk");
const env = { ...process.env, ATK_TELEMETRY_ENABLED: "false", TEAMSFX_TELEMETRY_TEST: "true" };
const checks = [];
const errors = [];

if (!existsSync(atk)) {
  errors.push("the toolkit CLI is not installed: npm ci --ignore-scripts --prefix tools/agents-toolkit");
} else {
  const { yamlParser } = require("@microsoft/teamsfx-core/build/component/configManager/parser");
  for (const file of ["m365agents.yml", "m365agents.local.yml", "m365agents.playground.yml"]) {
    const parsed = await yamlParser.parse(path.join(root, file), true);
    if (parsed.isErr()) errors.push(`${file}: ${parsed.error.message}`);
    else checks.push(`${file}: valid for the toolkit (version ${parsed.value.version}; ${Object.keys(parsed.value).filter((k) => k !== "version").join(", ")})`);
  }

  // A copy of the project with the values provision would write, so that nothing in the repository changes.
  const project = mkdtempSync(path.join(os.tmpdir(), "updatebot-atk-"));
  try {
    for (const entry of ["m365agents.yml", "m365agents.local.yml", "m365agents.playground.yml", "env", "manifest", "infra"]) {
      cpSync(path.join(root, entry), path.join(project, entry), { recursive: true });
    }
    const standIn = { TEAMS_APP_ID: "00000000-0000-4000-8000-000000000001", BOT_ID: "00000000-0000-4000-8000-000000000002", BOT_DOMAIN: "updatebot-check.azurewebsites.net" };
    const envFile = path.join(project, "env", ".env.dev");
    writeFileSync(envFile, readFileSync(envFile, "utf8").replace(/^(TEAMS_APP_ID|BOT_ID|BOT_DOMAIN)=$/gm, (_, k) => `${k}=${standIn[k]}`));
    const run = (...args) => spawnSync(atk, [...args, "--telemetry", "false", "--interactive", "false"], { cwd: project, env, encoding: "utf8", timeout: 120_000 });
    const zip = "artifacts/toolkit/updatebot-app.dev.zip";
    const packaged = run("package", "--env", "dev", "--manifest-file", "manifest/manifest.json", "--output-package-file", zip, "--output-folder", "artifacts/toolkit");
    if (packaged.status !== 0 || !existsSync(path.join(project, zip))) errors.push(`atk package --env dev failed:\n${packaged.stdout}${packaged.stderr}`);
    else checks.push("atk package --env dev: built the app package");
    const validated = run("validate", "--env", "dev", "--manifest-file", "manifest/manifest.json");
    const text = `${validated.stdout}${validated.stderr}`;
    if (validated.status !== 0 || !/All passed/.test(text)) errors.push(`atk validate --manifest-file failed:\n${text}`);
    else checks.push("atk validate --env dev --manifest-file manifest/manifest.json: schema and validation rules passed");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

process.stdout.write(JSON.stringify({ ok: errors.length === 0, checks, errors }) + "\n");
process.exit(errors.length ? 1 : 0);
