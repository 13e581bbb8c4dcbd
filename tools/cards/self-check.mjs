#!/usr/bin/env node
// Self-check of the card validator: every card in samples/ must pass and every card in samples/invalid/ must fail
// (proof that the validator can fail). Run with `npm run check:cards`.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validateCardJson } from "./validate-cards.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const list = (dir) => readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => path.join(dir, f));
let problems = 0;
const check = (file, expectOk) => {
  const { errors } = validateCardJson(readFileSync(file, "utf8"));
  const ok = errors.length === 0;
  const good = ok === expectOk;
  if (!good) problems++;
  console.log(`${good ? "ok  " : "FAIL"} ${path.relative(process.cwd(), file)}: expected ${expectOk ? "valid" : "invalid"}${errors.length ? ` (${errors.length} errors)` : ""}`);
};
const valid = list(path.join(here, "samples"));
const invalid = list(path.join(here, "samples", "invalid"));
if (!valid.length || !invalid.length) { console.error("samples missing"); process.exit(1); }
valid.forEach((f) => check(f, true));
invalid.forEach((f) => check(f, false));
process.exit(problems ? 1 : 0);
