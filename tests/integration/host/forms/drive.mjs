// Draws every form of the connector in headless Chromium (Debian's, driven by
// playwright-core) with react-jsonschema-form, as a platform's user meets it, and fills it.
//
// argv: PAGE_DIR (index.html and the bundled page.js), SCREENSHOT_DIR, then schema files.
// stdin: {"region": R, "table": T, "json": {KEY: VALUE}}: what the user types for the
// region, a table name and each required JSON input. For each form it prints (one JSON
// document) the problems a user would meet — an "option N" selector on a scalar field, a
// required field without an input, a secret in a plain text box — and what submitting the
// form with only the required fields filled sends.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

const [pageDir, shotDir, ...files] = process.argv.slice(2);
const typed = JSON.parse(readFileSync(0, "utf8"));
const SCALARS = ["string", "integer", "number", "boolean"];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));
const results = {};

for (const file of files) {
  const schema = JSON.parse(readFileSync(file, "utf8"));
  const name = basename(file).replace(/\.(input\.)?json$/, "");
  const problems = [];
  const required = schema.required || [];
  const properties = schema.properties || {};
  // What the user types: the region and table given, each required JSON input's value,
  // each other required field's example (or a plain value of its type).
  const initial = {};
  const fills = [];
  for (const key of required) {
    const p = properties[key] || {};
    const example = (p.examples || [])[0];
    if (key === "region") fills.push([key, typed.region]);
    else if (key === "table-name") fills.push([key, typed.table]);
    else if (key === "type" && p.const) continue;
    else if (p["x-widget"] === "json") fills.push([key, JSON.stringify(typed.json[key] ?? example ?? {})]);
    else if (p.$ref || p.type === "array" || p.type === "object") initial[key] = typed.json[key] ?? example;
    else if (p.enum) fills.push([key, p.enum[0], "select"]);
    else if (p.type === "integer") fills.push([key, String(example ?? p.minimum ?? 1)]);
    else if (p.type === "boolean") fills.push([key, "", "no"]);
    else fills.push([key, String(example ?? "form-test")]);
  }
  await page.goto("file://" + join(pageDir, "index.html"));
  await page.evaluate(([s, d]) => window.render(s, d), [schema, initial]);
  for (const [key, p] of Object.entries(properties)) {
    const scalar = SCALARS.includes(p.type) || p.enum !== undefined;
    const selector = await page.$(`[id="root_${key}__anyof_select"], [id="root_${key}__oneof_select"]`);
    if (scalar && selector) problems.push(`${key}: an option selector on a scalar field`);
    if (required.includes(key) && !(await page.$(`[id^="root_${key}"]`)))
      problems.push(`${key}: required, but the form draws no input for it`);
    if (p.writeOnly || p.format === "password") {
      const type = await page.getAttribute(`#root_${key}`, "type").catch(() => null);
      if (type !== "password") problems.push(`${key}: a secret in a ${type ?? "missing"} box`);
    }
  }
  for (const [key, value, how] of fills) {
    const at = `#root_${key}`;
    try {
      if (how === "select") await page.selectOption(at, { index: 1 });
      else if (how === "no") await page.check(`#root_${key}-1`);
      else await page.fill(at, value);
    } catch (e) {
      problems.push(`${key}: cannot be filled (${String(e).split("\n")[0]})`);
    }
  }
  if (["query-items", "create-table", "access-key"].includes(name))
    await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
  await page.click("button[type=submit]");
  await page.waitForTimeout(50);
  const submitted = await page.evaluate(() => window.submitted ?? null);
  const errors = await page.evaluate(() => window.submitErrors ?? null);
  if (!submitted) problems.push(`submitting the required fields failed: ${JSON.stringify(errors)}`);
  results[name] = { problems, submitted, filled: [...fills.map((f) => f[0]), ...Object.keys(initial)] };
}
await browser.close();
console.log(JSON.stringify({ forms: results, pageErrors }));
