// The account page and the password reset, as a visitor goes through them.
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  logInThroughPage,
  openTab,
  signUp,
  startSite,
  type Site,
  type Tab,
} from './harness.js';

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

beforeEach(async () => {
  await site.reset();
});

const DEFAULT_AVATAR = '/static/profile_pics/default.jpg';
const REFUSED_LOGIN = /Failed to load resource: the server responded with a status of 401/;

/** Waits for the success or error modal, checks its message, and closes it with OK. */
async function dismissMessage(page: Page, id: 'successModal' | 'errorModal', message: string | RegExp) {
  const dialog = page.locator(`#${id}`);
  await dialog.waitFor({ state: 'visible' });
  const text = (await dialog.locator('[data-role="message"]').textContent()) ?? '';
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
  await dialog.getByRole('button', { name: 'OK' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Submits the login form and expects the API to refuse it. */
async function expectLoginRefused(tab: Tab, email: string, password: string) {
  await tab.visit('/login');
  tab.watch.expectConsoleError(REFUSED_LOGIN);
  await tab.page.locator('#emailInput').fill(email);
  await tab.page.locator('#passwordInput').fill(password);
  await tab.page.getByRole('button', { name: 'Log in' }).click();
  await dismissMessage(tab.page, 'errorModal', 'Incorrect email or password.');
  expect(new URL(tab.page.url()).pathname).toBe('/login');
  expect(await tab.page.evaluate(() => localStorage.getItem('access_token'))).toBeNull();
  await tab.watch.expectClean();
}

function fieldsetDisabled(page: Page): Promise<boolean> {
  return page.locator('#resetForm fieldset').evaluate((fieldset: HTMLFieldSetElement) => fieldset.disabled);
}

function pictureOf(page: Page) {
  return page.locator('#pictureImage');
}

describe('the account page', () => {
  it('renames, changes the picture and the password, logs out and in, and deletes the account', async () => {
    const user = await signUp(site.app, {
      username: 'grace',
      email: 'grace@example.com',
      password: 'first password',
    });
    const tab = await openTab(browser, site);
    const { page } = tab;
    await logInThroughPage(tab, user.email, user.password, 'grace');

    await tab.visit('/account');
    await page.locator('#account').waitFor({ state: 'visible' });
    expect(await page.locator('#usernameInput').inputValue()).toBe('grace');
    expect(await page.locator('#emailInput').inputValue()).toBe('grace@example.com');
    expect(await pictureOf(page).getAttribute('src')).toBe(DEFAULT_AVATAR);
    expect(await page.locator('#deletePicture').isHidden()).toBe(true);

    // Rename: the navbar follows at once, and after a reload.
    await page.locator('#usernameInput').fill('Grace Hopper');
    await page.locator('#profileForm').getByRole('button', { name: 'Save' }).click();
    await dismissMessage(page, 'successModal', 'Your profile is saved.');
    expect(await page.locator('#navUsername').textContent()).toBe('Grace Hopper');
    await tab.visit('/account');
    await expect.poll(() => page.locator('#navUsername').textContent()).toBe('Grace Hopper');

    // A picture: previewed when chosen, stored on upload, back to the default when deleted.
    await page.locator('#account').waitFor({ state: 'visible' });
    const upload = await sharp({
      create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 120, b: 200 } },
    })
      .png()
      .toBuffer();
    await page
      .locator('#pictureInput')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: upload });
    await expect
      .poll(() => pictureOf(page).evaluate((image: HTMLImageElement) => image.naturalWidth))
      .toBe(640);
    expect(await pictureOf(page).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.locator('#pictureForm').getByRole('button', { name: 'Upload' }).click();
    await dismissMessage(page, 'successModal', 'Your picture is updated.');
    expect(await pictureOf(page).getAttribute('src')).toMatch(
      /^\/media\/profile_pics\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jpg$/,
    );
    await expect
      .poll(() => pictureOf(page).evaluate((image: HTMLImageElement) => image.naturalWidth))
      .toBe(300);
    expect(await page.locator('#pictureInput').inputValue()).toBe('');
    await page.locator('#deletePicture').click();
    await dismissMessage(page, 'successModal', 'Your picture is deleted.');
    expect(await pictureOf(page).getAttribute('src')).toBe(DEFAULT_AVATAR);
    expect(await page.locator('#deletePicture').isHidden()).toBe(true);

    // Change the password: this page keeps working with the fresh token.
    await page.locator('#currentPasswordInput').fill('first password');
    await page.locator('#newPasswordInput').fill('second password');
    await page.locator('#confirmPasswordInput').fill('second password');
    await page.locator('#passwordForm').getByRole('button', { name: 'Change password' }).click();
    await dismissMessage(page, 'successModal', 'Password updated successfully.');
    expect(await page.locator('#currentPasswordInput').inputValue()).toBe('');
    await tab.visit('/account');
    await page.locator('#account').waitFor({ state: 'visible' });

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/'),
      page.locator('#account').getByRole('button', { name: 'Log out' }).click(),
    ]);
    expect(await page.evaluate(() => localStorage.getItem('access_token'))).toBeNull();
    expect(await page.getByRole('link', { name: 'Login' }).isVisible()).toBe(true);
    await tab.watch.expectClean();

    await expectLoginRefused(tab, user.email, 'first password');
    await logInThroughPage(tab, user.email, 'second password', 'Grace Hopper');

    // Deleting the account asks first; Cancel keeps it.
    await tab.visit('/account');
    await page.locator('#account').waitFor({ state: 'visible' });
    await page.locator('#account').getByRole('button', { name: 'Delete account' }).click();
    await page.locator('#deleteAccountModal').waitFor({ state: 'visible' });
    await page.locator('#deleteAccountModal').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#deleteAccountModal').waitFor({ state: 'hidden' });
    await page.locator('#account').getByRole('button', { name: 'Delete account' }).click();
    await page.locator('#deleteAccountModal').waitFor({ state: 'visible' });
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/'),
      page.locator('#confirmDeleteAccount').click(),
    ]);
    expect(await page.evaluate(() => localStorage.getItem('access_token'))).toBeNull();
    await expect
      .poll(() => page.evaluate(() => document.documentElement.getAttribute('data-session')))
      .toBe('signed-out');
    expect(await page.getByRole('link', { name: 'Login' }).isVisible()).toBe(true);
    await tab.watch.expectClean();

    await expectLoginRefused(tab, user.email, 'second password');
    await tab.visit(`/users/${user.id}/posts`, { status: 404 });
    await tab.close();
  });

  it('sends a signed-out visitor to the login page', async () => {
    const tab = await openTab(browser, site);
    await tab.visit('/account');
    await tab.page.waitForURL((url) => url.pathname === '/login');
    expect(await tab.page.locator('#account').isHidden()).toBe(true);
    await tab.close();
  });
});

describe('the password reset', () => {
  it('sets a new password through the link in the mail', async () => {
    const user = await signUp(site.app, { username: 'forgetful', password: 'old password' });
    const tab = await openTab(browser, site);
    const { page } = tab;

    await tab.visit('/forgot-password');
    await page.locator('#emailInput').fill(user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await dismissMessage(
      page,
      'successModal',
      'If an account with that email exists, a password reset link has been sent.',
    );
    expect(await page.locator('#emailInput').inputValue()).toBe('');
    const link = await site.nextResetLink();

    await tab.visit(new URL(link).pathname + new URL(link).search);
    expect(await page.locator('#missingToken').count()).toBe(0);
    expect(await fieldsetDisabled(page)).toBe(false);
    await page.locator('#passwordInput').fill('brand new password');
    await page.locator('#confirmInput').fill('brand new passw0rd');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await dismissMessage(page, 'errorModal', 'The two passwords differ.');

    await page.locator('#confirmInput').fill('brand new password');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.locator('#successModal').waitFor({ state: 'visible' });
    expect(await fieldsetDisabled(page)).toBe(true);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login'),
      dismissMessage(page, 'successModal', 'Password updated successfully. You can log in now.'),
    ]);
    await tab.watch.expectClean();

    await expectLoginRefused(tab, user.email, 'old password');
    await logInThroughPage(tab, user.email, 'brand new password', user.username);

    // The link works once.
    await tab.visit(new URL(link).pathname + new URL(link).search);
    tab.watch.expectConsoleError(/Failed to load resource: the server responded with a status of 400/);
    await page.locator('#passwordInput').fill('another password');
    await page.locator('#confirmInput').fill('another password');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await dismissMessage(page, 'errorModal', 'Invalid or expired reset token.');
    await tab.close();
  });

  it('disables the form, saying why, when the link has no token', async () => {
    const tab = await openTab(browser, site);
    const { page } = tab;
    await tab.visit('/reset-password');
    expect(await fieldsetDisabled(page)).toBe(true);
    expect(await page.locator('#passwordInput').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Set the password' }).isDisabled()).toBe(true);
    const alert = page.getByRole('alert');
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toContain('This page needs the link from the reset mail.');
    expect(await alert.getByRole('link', { name: 'Ask for a new one' }).getAttribute('href')).toBe(
      '/forgot-password',
    );
    await tab.close();
  });
});
