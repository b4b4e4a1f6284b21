// The browser suite's tools: the real app listening on loopback, Debian's Chromium, and a watch on each
// page that fails a test on any console error or warning, page error, CSP violation or dialog.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import {
  createDatabase,
  createPost,
  emptyDatabase,
  logIn,
  resetLinkIn,
  signUp,
  type App,
  type TestUser,
} from '../test/support/index.js';
import { startFromTemplate } from '../test/support/pglite-template.js';

export { createPost, logIn, signUp, type App, type TestUser };

const SECRET_KEY = 'browser-suite-secret-key-that-is-long-enough';

export interface Site {
  app: App;
  /** `http://127.0.0.1:<port>`, where the app listens. */
  origin: string;
  url(pathname: string): string;
  /** Waits for the job worker to write the next mail to the outbox and returns its reset link. */
  nextResetLink(): Promise<string>;
  /** Empties every table and the outbox, so a test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The real app with its job worker, listening on a free loopback port. */
export async function startSite(env: Record<string, string> = {}): Promise<Site> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'blog-e2e-'));
  const database = await createDatabase(undefined, 'blog_e2e');
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    SECRET_KEY,
    RATE_LIMIT: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  await startFromTemplate(config);
  const app = await buildApp({ config, runJobs: true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app listens on no port');
  const origin = `http://127.0.0.1:${address.port}`;
  const outboxDir = path.join(dataDir, 'outbox');
  let mailsSeen = 0;

  const readOutbox = async () => {
    const names = (await readdir(outboxDir).catch(() => [] as string[])).sort();
    return Promise.all(names.map((name) => readFile(path.join(outboxDir, name), 'utf8')));
  };

  return {
    app,
    origin,
    url: (pathname) => origin + pathname,
    async nextResetLink() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        await app.jobs.runDue();
        const mails = await readOutbox();
        if (mails.length > mailsSeen) {
          const mail = mails[mailsSeen]!;
          mailsSeen += 1;
          // The link is on FRONTEND_URL; the browser goes to the same path on the listening origin.
          const link = new URL(resetLinkIn(mail));
          return origin + link.pathname + link.search;
        }
        if (Date.now() > deadline) throw new Error('no mail reached the outbox within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async reset() {
      await emptyDatabase(app.database.db);
      await rm(outboxDir, { recursive: true, force: true });
      mailsSeen = 0;
    },
    async close() {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Records what happens in a page that a visitor should never see. */
export class PageWatch {
  private issues: string[] = [];
  private expected: { pattern: RegExp; seen: boolean }[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      const type = message.type();
      const text = message.text();
      if (type === 'error' || type === 'warning' || /Content Security Policy/i.test(text)) {
        this.record(`console ${type}: ${text} (${message.location().url})`);
      }
    });
    page.on('pageerror', (error) => this.record(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      this.record(`dialog ${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
  }

  private record(issue: string): void {
    const expected = this.expected.find((entry) => !entry.seen && entry.pattern.test(issue));
    if (expected) expected.seen = true;
    else this.issues.push(issue);
  }

  /**
   * Declares one console message that the next steps must produce, such as the browser's own
   * "Failed to load resource: ... 401" line for a refused login. Missing it fails the check too.
   */
  expectConsoleError(pattern: RegExp): void {
    this.expected.push({ pattern, seen: false });
  }

  /** Fails on anything recorded since the last check, CSP violations included; then starts afresh. */
  async expectClean(): Promise<void> {
    if (!this.page.isClosed()) {
      const violations = await this.page
        .evaluate(
          () => (window as unknown as { __cspViolations?: string[] }).__cspViolations?.splice(0) ?? [],
        )
        .catch(() => [] as string[]);
      for (const violation of violations) this.issues.push(`CSP violation: ${violation}`);
    }
    const issues = this.issues.splice(0);
    const missing = this.expected.filter((entry) => !entry.seen).map((entry) => `expected: ${entry.pattern}`);
    this.expected = [];
    expect([...issues, ...missing]).toEqual([]);
  }
}

/** Every CSP violation lands in `window.__cspViolations`, read by `PageWatch.expectClean()`. */
function recordCspViolations() {
  const violations: string[] = [];
  (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (event) => {
    violations.push(
      `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
    );
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  watch: PageWatch;
  /**
   * Checks the page visited so far, then goes to `pathname` and checks the status of the answer.
   * `consoleErrors` are messages the visit must log, such as the browser's line for a refused token.
   */
  visit(pathname: string, options?: { status?: number; consoleErrors?: RegExp[] }): Promise<void>;
  /** Checks the visit under way and closes the context. */
  close(): Promise<void>;
}

export async function openTab(
  browser: Browser,
  site: Site,
  options: BrowserContextOptions & { token?: string; theme?: 'light' | 'dark' } = {},
): Promise<Tab> {
  const { token, theme, ...contextOptions } = options;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: 'reduce',
    ...contextOptions,
  });
  context.setDefaultTimeout(15_000);
  await context.addInitScript(recordCspViolations);
  if (token !== undefined || theme !== undefined) {
    // Set once, on the first page of the origin, so later changes by the page are kept.
    await context.addInitScript(
      ({ token, theme }) => {
        try {
          if (sessionStorage.getItem('e2e-seeded')) return;
          sessionStorage.setItem('e2e-seeded', '1');
          if (token) localStorage.setItem('access_token', token);
          if (theme) localStorage.setItem('theme', theme);
        } catch {
          // about:blank has no storage.
        }
      },
      { token, theme },
    );
  }
  const page = await context.newPage();
  const watch = new PageWatch(page);
  return {
    context,
    page,
    watch,
    async visit(pathname, { status = 200, consoleErrors = [] } = {}) {
      await watch.expectClean();
      if (status !== 200) {
        // Chromium logs every document answered with an error status.
        watch.expectConsoleError(new RegExp(`the server responded with a status of ${status}`));
      }
      for (const pattern of consoleErrors) watch.expectConsoleError(pattern);
      const response = await page.goto(site.url(pathname));
      expect(response?.status()).toBe(status);
    },
    async close() {
      await watch.expectClean();
      await context.close();
    },
  };
}

/** The data-post-id of every post in `#postList`, top to bottom. */
export function listedPostIds(page: Page): Promise<number[]> {
  return page.$$eval('#postList [data-post-id]', (cards) =>
    cards.map((card) => Number((card as HTMLElement).dataset.postId)),
  );
}

/** Logs in through the login page; the browser lands on the home page, signed in. */
export async function logInThroughPage(tab: Tab, email: string, password: string, username: string) {
  await tab.visit('/login');
  await tab.page.locator('#emailInput').fill(email);
  await tab.page.locator('#passwordInput').fill(password);
  await Promise.all([
    tab.page.waitForURL((url) => url.pathname === '/'),
    tab.page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  await expect.poll(() => tab.page.locator('#navUsername').textContent()).toBe(username);
}

/** Serious and critical violations only, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Every rule runs; only the violations are collected (the passes are many and slow to gather).
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary}`,
      ),
    );
}
