// What a new user tripped on (issue 10): field errors on the forms, long names, keyboard use of the
// dialogs, confirmations after an action, the password confirmation and ReDoc's CSP.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPost, launchBrowser, openTab, signUp, startSite, type Site } from './harness.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../docs/screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
// Fifty characters without a space, the longest name the API takes.
const LONG_NAME = 'Bartholomew_Maximilian_Featherstonehaugh_Wolfeschl';
const UNPROCESSABLE = /the server responded with a status of 422/;

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

beforeEach(async () => {
  await site.reset();
});

/** The message under each invalid field of `form`, by field name. */
function fieldErrors(page: Page, form: string): Promise<Record<string, string>> {
  return page.$$eval(`${form} .is-invalid`, (inputs): Record<string, string> =>
    Object.fromEntries(
      inputs.map((input) => {
        const id = input.getAttribute('id') ?? '';
        return [input.getAttribute('name') ?? '', document.getElementById(`${id}Error`)?.textContent ?? ''];
      }),
    ),
  );
}

/** Counts the requests to the API that the page sends from now on. */
function countApiRequests(page: Page): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/')) count += 1;
  });
  return () => count;
}

describe('field errors', () => {
  it('checks required fields before sending, and shows the API 422 on its field in plain words', async () => {
    const tab = await openTab(browser, site);
    const { page } = tab;

    await tab.visit('/login');
    const sentFromLogin = countApiRequests(page);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await fieldErrors(page, '#loginForm')).toEqual({
      username: 'Enter your email.',
      password: 'Enter your password.',
    });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('emailInput');
    expect(await page.locator('#errorModal').isVisible()).toBe(false);
    expect(sentFromLogin()).toBe(0);

    await tab.visit('/register');
    const sent = countApiRequests(page);
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await fieldErrors(page, '#registerForm')).toEqual({
      username: 'Enter your username.',
      email: 'Enter your email.',
      password: 'Enter your password.',
      confirm: 'Type the password again.',
    });
    expect(sent()).toBe(0);

    // An address the page lets through and the API refuses: its 422 lands on the email field.
    await page.locator('#usernameInput').fill('Ada');
    await page.locator('#emailInput').fill('ada@engine');
    await page.locator('#passwordInput').fill('analytical engine');
    await page.locator('#confirmInput').fill('analytical engine');
    tab.watch.expectConsoleError(UNPROCESSABLE);
    await page.getByRole('button', { name: 'Register' }).click();
    await expect
      .poll(() => fieldErrors(page, '#registerForm'))
      .toEqual({ email: 'Enter an email address such as name@example.com.' });
    expect(sent()).toBe(1);
    expect(await page.locator('#errorModal').isVisible()).toBe(false);
    expect(await page.locator('#emailInput').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'register-field-errors-1280.png') });
    const axe = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
    expect(axe.violations.map((violation) => violation.id)).toEqual([]);

    // Corrected, the marks go and the account is made; the login page says so.
    await page.locator('#emailInput').fill('ada@example.com');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login'),
      page.getByRole('button', { name: 'Register' }).click(),
    ]);
    await expect
      .poll(() => page.locator('#toasts .toast-body').textContent())
      .toBe('Your account is created. Log in to start writing.');
    await tab.close();
  });

  it('asks for the new password twice on the account page', async () => {
    const user = await signUp(site.app, { password: 'first password' });
    const tab = await openTab(browser, site, { token: user.token });
    const { page } = tab;
    await tab.visit('/account');
    await page.locator('#account').waitFor({ state: 'visible' });
    const sent = countApiRequests(page);
    await page.locator('#currentPasswordInput').fill('first password');
    await page.locator('#newPasswordInput').fill('second password');
    await page.locator('#confirmPasswordInput').fill('second passwort');
    await page.locator('#passwordForm').getByRole('button', { name: 'Change password' }).click();
    expect(await fieldErrors(page, '#passwordForm')).toEqual({ confirm: 'The two passwords differ.' });
    expect(sent()).toBe(0);
    await page.locator('#confirmPasswordInput').fill('second password');
    await page.locator('#passwordForm').getByRole('button', { name: 'Change password' }).click();
    await page.locator('#successModal').waitFor({ state: 'visible' });
    expect(await fieldErrors(page, '#passwordForm')).toEqual({});
    await tab.close();
  });
});

describe('a 50-character name without spaces', () => {
  it('wraps or is cut with an ellipsis at 1280 and 390 px, navbar included', async () => {
    const user = await signUp(site.app, { username: LONG_NAME, email: 'long@example.com' });
    await createPost(site.app, user, {
      title: `A_title_without_any_space_that_goes_on_${'and_on_'.repeat(8)}`,
      content: `https://example.com/${'very-long-path-segment'.repeat(8)}`,
    });
    for (const { width, height } of SIZES) {
      const tab = await openTab(browser, site, { viewport: { width, height }, token: user.token });
      const { page } = tab;
      const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);

      await tab.visit(`/users/${user.id}/posts`);
      await page.locator('#navUsername', { hasText: LONG_NAME }).waitFor({ state: 'attached' });
      const heading = page.locator('main h1');
      expect(await heading.textContent()).toBe(`Posts by ${LONG_NAME}`);
      expect((await heading.boundingBox())!.width).toBeLessThanOrEqual(width);
      expect(await pageWidth()).toBeLessThanOrEqual(width);
      if (width === 390) {
        await page.locator('.navbar-toggler').click();
        await page.locator('#navbarMain.show').waitFor();
        await page.locator('#navUsername').waitFor({ state: 'visible' });
        await page.waitForFunction(() => !document.querySelector('.collapsing'));
      }
      const nav = await page.locator('nav.navbar').evaluate((element) => element.scrollWidth);
      expect(nav).toBeLessThanOrEqual(width);
      const name = page.locator('#navUsername');
      expect(await name.getAttribute('title')).toBe(LONG_NAME);
      expect((await name.boundingBox())!.width).toBeLessThanOrEqual(width);
      expect(await pageWidth()).toBeLessThanOrEqual(width);
      if (width === 390) {
        await page.locator('.navbar-toggler').click();
        await page.waitForFunction(() => !document.querySelector('#navbarMain.show, .collapsing'));
        await page.locator('.navbar-toggler').blur();
        await page.screenshot({ path: path.join(SCREENSHOTS, 'long-username-390.png') });
      }

      for (const pathname of ['/', '/account']) {
        await tab.visit(pathname);
        await page.locator('#navUsername', { hasText: LONG_NAME }).waitFor({ state: 'attached' });
        expect(await pageWidth(), pathname).toBeLessThanOrEqual(width);
      }
      await tab.close();
    }
  });
});

/** Presses Tab until `selector` has the focus (keyboard only, as a person without a mouse does). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('the keyboard alone', () => {
  it('write, edit and delete a post by keyboard: dialogs take the focus and give it back after Escape; each action is confirmed', async () => {
    const user = await signUp(site.app, { username: 'Keyboard User', email: 'keys@example.com' });
    const tab = await openTab(browser, site, { token: user.token });
    const { page } = tab;
    await tab.visit('/');
    await page.locator('#navUsername', { hasText: 'Keyboard User' }).waitFor({ state: 'attached' });

    // New Post leads to the editor; a post written and published without a mouse.
    await tabTo(page, 'a[href="/editor"]');
    await Promise.all([page.waitForURL((url) => url.pathname === '/editor'), page.keyboard.press('Enter')]);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    await tabTo(page, '#titleInput');
    await page.keyboard.type('Typed without a mouse');
    await tabTo(page, '#contentInput');
    await page.keyboard.type('Every key counts.');
    await tabTo(page, '#publishPost');
    await Promise.all([
      page.waitForURL(/\/posts\/\d+\/typed-without-a-mouse$/),
      page.keyboard.press('Enter'),
    ]);
    await expect
      .poll(() => page.locator('#toasts .toast-body').textContent())
      .toBe('Your post is published.');

    // Edited the same way: the article confirms it.
    await page.locator('#ownerControls').waitFor({ state: 'visible' });
    await tabTo(page, '#ownerControls a[href^="/editor/"]');
    await Promise.all([page.waitForURL(/\/editor\/\d+$/), page.keyboard.press('Enter')]);
    await page.locator('#editorForm').waitFor({ state: 'visible' });
    await tabTo(page, '#titleInput');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Typed, then edited');
    await tabTo(page, '#publishPost');
    await Promise.all([page.waitForURL(/\/posts\/\d+\/typed-then-edited$/), page.keyboard.press('Enter')]);
    await expect
      .poll(() => page.locator('#toasts .toast-body').textContent())
      .toBe('Your changes are saved.');

    // Delete: the dialog takes the focus, Escape gives it back to the Delete button.
    await page.locator('#ownerControls').waitFor({ state: 'visible' });
    await tabTo(page, '#ownerControls [data-bs-target="#deletePostModal"]');
    await page.keyboard.press('Enter');
    await page.locator('#deletePostModal').waitFor({ state: 'visible' });
    await expect
      .poll(() =>
        page.evaluate(() => document.getElementById('deletePostModal')!.contains(document.activeElement)),
      )
      .toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('#deletePostModal').waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Delete');
    await page.keyboard.press('Enter');
    await page.locator('#deletePostModal').waitFor({ state: 'visible' });
    await tabTo(page, '#confirmDeletePost');
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('#toasts .toast-body').textContent()).toBe('Your post is deleted.');
    await tab.close();
  });
});

describe('ReDoc', () => {
  it('draws the API reference without a request outside the site or a CSP violation', async () => {
    const tab = await openTab(browser, site);
    const { page } = tab;
    const outside: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && url.origin !== site.origin) outside.push(request.url());
    });
    page.on('requestfailed', (request) => failed.push(request.url()));
    await tab.visit('/redoc');
    await page.locator('text=Blog API').first().waitFor();
    await page.locator('text=API docs by Redocly').waitFor({ state: 'attached' });
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    await tab.close();
  });
});
