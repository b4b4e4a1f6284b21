// Moderators in the browser: Delete (not Edit) on another author's post and on every comment; the
// admin page: who may see it, searching accounts, changing a role, suspending (and the suspended
// account refused) and restoring, by keyboard, with axe-core in both themes and screenshots.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPost,
  launchBrowser,
  openTab,
  seriousViolations,
  signUp,
  startSite,
  type Site,
} from '../../e2e/harness.js';
import type { Role } from '../users/roles.js';

const screenshots = path.resolve(import.meta.dirname, '../../docs/screenshots');

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('a moderator', () => {
  it("sees Delete on others' posts and comments, and deletes a post", async () => {
    const author = await signUp(site.app, { username: 'spammer' });
    const moderator = await signUp(site.app, { username: 'mod' });
    await site.app.usersService.setStanding(moderator.id, { role: 'moderator' });
    const postId = await createPost(site.app, author, { title: 'Cheap pills', content: 'Buy now.' });
    const commented = await site.app.inject({
      method: 'POST',
      url: `/api/posts/${postId}/comments`,
      headers: author.headers,
      payload: { content: 'Really cheap.' },
    });
    expect(commented.statusCode).toBe(201);

    const tab = await openTab(browser, site, { token: moderator.token });
    const { page } = tab;
    await tab.visit(`/posts/${postId}`);
    const controls = page.locator('#ownerControls');
    await expect.poll(() => controls.isVisible()).toBe(true);
    expect(await controls.getByRole('button', { name: 'Edit' }).isHidden()).toBe(true);
    const commentControls = page.locator('#commentList .comment-controls');
    await expect.poll(() => commentControls.isVisible()).toBe(true);
    expect(await commentControls.locator('[data-action="edit-comment"]').isHidden()).toBe(true);

    await controls.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#confirmDeletePost').click();
    await page.waitForURL(site.url('/'));
    expect((await site.app.inject(`/api/posts/${postId}`)).statusCode).toBe(404);
    await tab.close();
  });
});

describe('the admin page', () => {
  const withRole = async (role: Role, username: string) => {
    const user = await signUp(site.app, { username });
    await site.app.usersService.setStanding(user.id, { role });
    return user;
  };

  it('is for admins: others are sent to log in, or told it is not for them', async () => {
    await site.reset();
    const moderator = await withRole('moderator', 'page_moderator');
    const anonymous = await openTab(browser, site);
    await anonymous.visit('/admin');
    await anonymous.page.waitForURL(site.url('/login?next=/admin'));
    await anonymous.close();

    const tab = await openTab(browser, site, { token: moderator.token });
    await tab.visit('/admin');
    await expect.poll(() => tab.page.locator('#adminRefused').isVisible()).toBe(true);
    expect(await tab.page.locator('#admin').isHidden()).toBe(true);
    expect(await tab.page.locator('#navAdmin').isHidden()).toBe(true);
    await tab.close();
  });

  it('pages the moderation log, newest first, and the accounts', async () => {
    await site.reset();
    const admin = await withRole('admin', 'log_admin');
    const actor = (await site.app.usersService.findById(admin.id))!;
    const others = [];
    for (let i = 1; i <= 21; i += 1) others.push(await signUp(site.app, { username: `member_${i}` }));
    for (const other of others) {
      await site.app.moderationService.setStanding(actor, other.id, { role: 'moderator' });
    }
    const tab = await openTab(browser, site, { token: admin.token });
    const { page } = tab;
    await tab.visit('/admin');
    const entries = page.locator('#logList .log-entry');
    await expect.poll(() => entries.count()).toBe(20);
    // Member 21 was the last made a moderator; member 1 the first.
    expect(await entries.first().textContent()).toContain('log_admin changed the role of member_21');
    await page.getByRole('button', { name: 'Older entries' }).click();
    await expect.poll(() => entries.count()).toBe(21);
    expect(await entries.last().textContent()).toContain('member_1');
    expect(await page.getByRole('button', { name: 'Older entries' }).isHidden()).toBe(true);

    const accounts = page.locator('#accountList .account');
    expect(await accounts.count()).toBe(20);
    await page.locator('#accountMore').click();
    await expect.poll(() => accounts.count()).toBe(22);
    expect(await page.locator('#accountMore').isHidden()).toBe(true);
    await tab.close();
  });

  it('searches accounts, changes a role, suspends and restores, by keyboard', async () => {
    await site.reset();
    const admin = await withRole('admin', 'site_admin');
    const victim = await signUp(site.app, { username: 'loud_spammer' });
    await signUp(site.app, { username: 'kind_reader' });
    await signUp(site.app, { username: 'Ada Lovelace', email: 'ada@example.com' });
    await createPost(site.app, victim, { title: 'Cheap watches', content: 'Buy now.' });

    const tab = await openTab(browser, site, { token: admin.token });
    const { page } = tab;
    await tab.visit('/');
    const link = page.locator('#navAdmin');
    await expect.poll(() => link.isVisible()).toBe(true);
    await link.focus();
    await Promise.all([page.waitForURL(site.url('/admin')), page.keyboard.press('Enter')]);
    const accounts = page.locator('#accountList .account');
    await expect.poll(() => accounts.count()).toBe(4);
    // No controls of one's own standing.
    expect(await page.locator(`.account[data-user-id="${admin.id}"] select`).count()).toBe(0);

    // Search.
    await page.getByLabel('Search accounts by name or email').focus();
    await page.keyboard.type('spam');
    await page.keyboard.press('Enter');
    await expect.poll(() => accounts.count()).toBe(1);
    const account = page.locator(`.account[data-user-id="${victim.id}"]`);
    expect(await account.locator('.author-link').textContent()).toBe('loud_spammer');

    // A role: chosen with the arrow keys, saved with its button.
    const role = page.getByLabel('Role of loud_spammer');
    await role.focus();
    await page.keyboard.press('ArrowDown');
    expect(await role.inputValue()).toBe('moderator');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Save role');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#toasts').textContent())
      .toContain('loud_spammer is now a moderator.');
    await expect.poll(() => page.locator('#logList .log-entry').count()).toBe(1);
    expect(await page.locator('#logList .log-entry').first().textContent()).toContain(
      'site_admin changed the role of loud_spammer',
    );
    let standing = await site.app.inject({ url: '/api/admin/users?q=spam', headers: admin.headers });
    expect(standing.json()).toMatchObject([{ role: 'moderator', suspended: false }]);

    // Suspending asks first; Cancel changes nothing.
    const suspend = account.getByRole('button', { name: 'Suspend' });
    await suspend.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Suspend loud_spammer?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.isHidden()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Suspend');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Suspend' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => account.locator('.badge').isVisible()).toBe(true);
    expect(await account.locator('.badge').textContent()).toBe('Suspended');
    await expect.poll(() => page.locator('#toasts').textContent()).toContain('loud_spammer is suspended');
    await expect.poll(() => page.locator('#logList .log-entry').count()).toBe(2);
    expect(await page.locator('#logList .log-entry').first().textContent()).toContain(
      'site_admin suspended loud_spammer',
    );

    // The suspended account is refused: its token at once, and logging in.
    expect((await site.app.inject({ url: '/api/users/me', headers: victim.headers })).statusCode).toBe(401);
    const refused = await openTab(browser, site);
    await refused.visit('/login');
    await refused.page.locator('#emailInput').fill(victim.email);
    await refused.page.locator('#passwordInput').fill(victim.password);
    refused.watch.expectConsoleError(/status of 403/);
    await refused.page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => refused.page.locator('#errorModal').textContent())
      .toContain('Account suspended.');
    await refused.close();

    // Both themes: axe-core, and the screenshots.
    await page.getByLabel('Search accounts by name or email').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => accounts.count()).toBe(4);
    await page.evaluate(() => document.getElementById('toasts')?.replaceChildren());
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'admin-1280.png'), fullPage: true });
    expect(await seriousViolations(page), 'light').toEqual([]);
    await page.evaluate(() => document.documentElement.setAttribute('data-bs-theme', 'dark'));
    expect(await seriousViolations(page), 'dark').toEqual([]);
    await page.evaluate(() => document.documentElement.setAttribute('data-bs-theme', 'light'));

    // Restoring needs no confirmation.
    const restore = account.getByRole('button', { name: 'Restore' });
    await restore.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => account.locator('.badge').isHidden()).toBe(true);
    await expect.poll(() => page.locator('#logList .log-entry').count()).toBe(3);
    standing = await site.app.inject({ url: '/api/admin/users?q=spam', headers: admin.headers });
    expect(standing.json()).toMatchObject([{ role: 'moderator', suspended: false }]);
    await tab.close();

    const phone = await openTab(browser, site, { token: admin.token, viewport: { width: 390, height: 844 } });
    await phone.visit('/admin');
    await expect.poll(() => phone.page.locator('#accountList .account').count()).toBe(4);
    await expect.poll(() => phone.page.locator('#logList .log-entry').count()).toBe(3);
    await phone.page.screenshot({ path: path.join(screenshots, 'admin-390.png'), fullPage: true });
    expect(await seriousViolations(phone.page), 'phone').toEqual([]);
    await phone.close();
  });
});
