import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ForgotPasswordPage, LoginPage, RegisterPage, ResetPasswordPage } from '../auth/auth.pages.js';
import { FeedPage, PostPage } from '../posts/posts.pages.js';
import { AccountPage, UserPostsPage } from '../users/users.pages.js';
import { renderDocument } from './render.js';

function sendPage(reply: FastifyReply, page: JSX.Element) {
  return reply.type('text/html; charset=utf-8').send(renderDocument(page));
}

// Ids in page paths must be whole numbers; anything else is simply a page that does not exist (404).
const ID = '(^\\d{1,10}$)';
const hidden = { hide: true };

/** The website's pages, reading through the same services as the API. */
const pages: FastifyPluginAsyncTypebox = async (app) => {
  const { postsService, usersService, userViews, config, pageCache } = app;
  const firstPage = { skip: 0, limit: config.postsPerPage };
  app.addHook('preHandler', pageCache.preHandler);
  app.addHook('onSend', pageCache.onSend);
  // The pages of posts and users; the others are cheap, and /reset-password depends on its query.
  const contentPage = { renderCache: true };

  for (const url of ['/', '/site/posts']) {
    app.get(url, { schema: hidden, config: contentPage }, async (_request, reply) =>
      sendPage(reply, <FeedPage page={await postsService.page(firstPage)} />),
    );
  }

  app.get(
    `/posts/:post_id${ID}`,
    { schema: { ...hidden, params: Type.Object({ post_id: Type.Integer() }) }, config: contentPage },
    async (request, reply) => {
      const post = await postsService.get(request.params.post_id);
      return sendPage(reply, <PostPage post={post} url={`${config.frontendUrl}/posts/${post.id}`} />);
    },
  );

  app.get(
    `/users/:user_id${ID}/posts`,
    { schema: { ...hidden, params: Type.Object({ user_id: Type.Integer() }) }, config: contentPage },
    async (request, reply) => {
      const user = await usersService.findById(request.params.user_id);
      if (!user) return reply.callNotFound();
      const page = await postsService.pageByUser(user.id, firstPage);
      if (!page) return reply.callNotFound();
      return sendPage(reply, <UserPostsPage user={userViews.public(user)} page={page} />);
    },
  );

  const maxUploadMegabytes = `${Number((config.maxUploadSizeBytes / (1024 * 1024)).toFixed(1))}MB`;
  app.get('/account', { schema: hidden }, async (_request, reply) =>
    sendPage(reply, <AccountPage maxUploadMegabytes={maxUploadMegabytes} />),
  );
  app.get('/login', { schema: hidden }, async (_request, reply) => sendPage(reply, <LoginPage />));
  app.get('/register', { schema: hidden }, async (_request, reply) => sendPage(reply, <RegisterPage />));
  app.get('/forgot-password', { schema: hidden }, async (_request, reply) =>
    sendPage(reply, <ForgotPasswordPage />),
  );
  app.get(
    '/reset-password',
    { schema: { ...hidden, querystring: Type.Object({ token: Type.Optional(Type.String()) }) } },
    async (request, reply) => sendPage(reply, <ResetPasswordPage hasToken={Boolean(request.query.token)} />),
  );
};

export default pages;
