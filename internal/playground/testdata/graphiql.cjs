// Drives eilnet's GraphiQL in Chromium with playwright-core, as a person
// would: loads the page, opens the explorer, asks the viewer's role
// without a key and then with one given in the headers pane, and prints
// what it saw as JSON.
// browser_test.go runs it (NODE_PATH names browsertest's node_modules).
//
// env: EILNET_URL (the server), EILNET_KEY (an API key), EILNET_CHROMIUM,
// EILNET_CHROMIUM_ARGS (JSON array), EILNET_USER_DATA_DIR (fresh),
// EILNET_SCREENSHOT (PNG path).
'use strict';
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = new URL(env('EILNET_URL'));
const key = env('EILNET_KEY');
const timeout = 20000;

const result = {
  requests: [],        // every URL the browser asked for
  external: [],        // those not of the server's origin (aborted)
  failed: [],          // requests that failed, with why
  consoleErrors: [],
  pageErrors: [],
  cspViolations: [],
  workers: [],
};

const selectors = {
  query: '.graphiql-query-editor .graphiql-editor .monaco-editor',
  headersTab: 'button[data-name="headers"]',
  headers: 'section.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor',
  run: 'button.graphiql-execute-button',
  response: '.result-window',
  explorerButton: '.graphiql-sidebar button[aria-label*="GraphiQL Explorer"]',
  explorerViewer: '.graphiql-explorer-root .graphiql-explorer-viewer',
};

// replaceText puts text into the Monaco editor under selector, as a paste
// would: typing it would meet the editor's auto-closing brackets.
async function replaceText(page, selector, text) {
  const editor = page.locator(selector);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  // GraphiQL copies an editor's text into its tab (what the history
  // records) 100 ms after the last change; a person pauses longer.
  await page.waitForTimeout(300);
}

async function editorText(page, selector) {
  return page.locator(`${selector} .view-lines`).evaluate((e) => e.innerText.replace(/\u00a0/g, ' '));
}

// run runs the query and answers the role the response pane shows.
async function run(page, before) {
  const answered = page.waitForResponse(
    (r) => r.url() === new URL('/query', base).href && r.request().method() === 'POST' &&
      (r.request().postData() || '').includes('viewer'),
    { timeout },
  );
  await page.locator(selectors.run).click();
  const response = await answered;
  await page.waitForFunction(
    ([sel, old]) => {
      const text = document.querySelector(sel)?.innerText ?? '';
      return /"role":\s*"[A-Z]+"/.test(text.replace(/\u00a0/g, ' ')) && text !== old;
    },
    [selectors.response, before],
    { timeout },
  );
  const text = await page.locator(selectors.response).innerText();
  return { role: /"role":\s*"([A-Z]+)"/.exec(text.replace(/\u00a0/g, ' '))[1], status: response.status(), text };
}

(async () => {
  const context = await chromium.launchPersistentContext(env('EILNET_USER_DATA_DIR'), {
    executablePath: env('EILNET_CHROMIUM'),
    headless: true,
    args: JSON.parse(env('EILNET_CHROMIUM_ARGS')),
    viewport: { width: 1400, height: 900 },
    timeout,
  });
  try {
    // Anything for another host is refused and recorded.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== base.origin) {
        result.external.push(url.href);
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    context.on('request', (r) => result.requests.push(r.url()));
    context.on('requestfailed', (r) => result.failed.push(`${r.url()}: ${r.failure()?.errorText}`));

    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') result.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => result.pageErrors.push(String(e)));
    page.on('worker', (w) => {
      result.workers.push(w.url());
      w.on('console', (m) => {
        if (m.type() === 'error') result.consoleErrors.push(`worker ${w.url()}: ${m.text()}`);
      });
    });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });

    // Ready: the editors are up and the schema is in (the explorer lists
    // the root fields).
    const introspected = page.waitForResponse(
      (r) => r.url() === new URL('/query', base).href && (r.request().postData() || '').includes('IntrospectionQuery'),
      { timeout },
    );
    introspected.catch(() => {}); // awaited below; not unhandled if goto fails
    const loaded = await page.goto(base.href, { waitUntil: 'load', timeout });
    result.pageStatus = loaded.status();
    result.pageHeaders = loaded.headers();
    await page.locator(selectors.query).waitFor({ timeout });
    const introspection = await introspected;
    result.introspectionStatus = introspection.status();
    result.introspectionErrors = ((await introspection.json()).errors ?? []).map((e) => e.message);

    // The explorer plugin lists the schema's root fields.
    await page.locator(selectors.explorerButton).click();
    await page.locator(selectors.explorerViewer).first().waitFor({ timeout });
    result.explorer = true;

    // Without a key: ANONYMOUS.
    await replaceText(page, selectors.query, '{ viewer { name role } }');
    const anonymous = await run(page, '');
    result.anonymousRole = anonymous.role;

    // With the key in the headers pane. (Another query: the history
    // keeps a run unlike the last one, with its headers.)
    await replaceText(page, selectors.query, '{ viewer { role } }');
    result.query = await editorText(page, selectors.query);
    await page.locator(selectors.headersTab).click();
    await replaceText(page, selectors.headers, `{"Authorization": "Bearer ${key}"}`);
    result.headers = await editorText(page, selectors.headers);
    const keyed = await run(page, anonymous.text);
    result.role = keyed.role;
    result.status = keyed.status;

    // GraphiQL writes its tabs after a debounce of 500 ms, and the
    // history at once.
    await page.waitForTimeout(1200);
    result.localStorage = await page.evaluate(() => Object.fromEntries(Object.entries(window.localStorage)));
    result.sessionStorage = await page.evaluate(() => Object.fromEntries(Object.entries(window.sessionStorage)));
    result.cspViolations = await page.evaluate(() => window.__csp);
    await page.screenshot({ path: env('EILNET_SCREENSHOT'), fullPage: true });

    // A new tab of the same profile: the key is gone, the query is not.
    const again = await context.newPage();
    await again.goto(base.href, { waitUntil: 'load', timeout });
    await again.locator(selectors.query).waitFor({ timeout });
    await again.locator(selectors.headersTab).click();
    await again.locator(selectors.headers).waitFor({ timeout });
    result.reloadedHeaders = await editorText(again, selectors.headers);
    result.reloadedQuery = await editorText(again, selectors.query);
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify(result));
})().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.stdout.write(JSON.stringify(result));
  process.exit(1);
});
