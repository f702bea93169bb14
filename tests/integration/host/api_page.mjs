// Opens the service's API page (`serve --api-page`, /docs) in headless Chromium (Debian's,
// driven by playwright-core), counts the routes it lists, and runs a list-tables step with
// "Try it out" on POST /v1/steps, the body's endpoint set to the local server's.
// argv: SERVICE_URL ENDPOINT_URL REGION. Prints {"routes": N, "status": S, "body": TEXT}.
import { chromium } from "playwright-core";

const [service, endpoint, region] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const failures = [];
page.on("requestfailed", (r) => failures.push(r.url()));
await page.goto(`${service}/docs`);
await page.waitForSelector(".opblock", { timeout: 30000 });
const routes = await page.locator(".opblock").count();
const steps = page.locator("#operations-steps-runStep");
await steps.locator(".opblock-summary").click();
await steps.locator("button.try-out__btn").click();
const body = {
  connection: { type: "access-key", "access-key-id": "local", "secret-access-key": "local",
    "endpoint-url": endpoint },
  action: "list-tables",
  input: { region },
};
await steps.locator("textarea.body-param__text").fill(JSON.stringify(body));
await steps.locator("button.execute").click();
const status = steps.locator(".live-responses-table tr.response .response-col_status").first();
await status.waitFor({ timeout: 30000 });
const answer = {
  routes,
  status: (await status.innerText()).trim(),
  body: await steps.locator(".live-responses-table .response-col_description pre").first().innerText(),
  failures,
};
await browser.close();
console.log(JSON.stringify(answer));
