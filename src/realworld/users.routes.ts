import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { InvalidFieldError, NotFoundError } from '../platform/errors.js';
import { rateLimited } from '../platform/http/rate-limit.js';
import type { User as OurUser } from '../users/users.table.js';
import {
  LoginRequest,
  ProfileResponse,
  RegisterRequest,
  UpdateUserRequest,
  UserResponse,
  UsernameParams,
} from './realworld.schemas.js';
import type { RealWorldViews } from './realworld.views.js';

const USER_NOT_FOUND = 'User not found';
export const PASSWORD_ELSEWHERE =
  'Change the password with PATCH /api/users/me/password, which asks for the current one';
export const PICTURE_ELSEWHERE = 'Upload a picture with PATCH /api/users/{user_id}/picture';

/** The token the caller sent (`Token <jwt>` or `Bearer <jwt>`), which authentication has just accepted. */
const tokenOf = (request: FastifyRequest) => (request.headers.authorization ?? '').split(' ', 2)[1] ?? '';

/** `/users`, `/users/login`, `/user` and `/profiles/{username}`: accounts through the blog's services. */
const usersRoutes = (views: RealWorldViews): FastifyPluginAsyncTypebox =>
  async function realWorldUsers(app) {
    const { authService, usersService, followsService } = app;
    const limits = app.config.rateLimits || undefined;

    const userView = (user: OurUser, token: string) => ({
      user: {
        email: user.email,
        token,
        username: user.username,
        bio: user.bio,
        image: views.absolute(usersService.imagePath(user.imageFile)),
      },
    });

    const byName = async (username: string) => {
      const user = await usersService.findByUsername(username);
      if (!user) throw new NotFoundError(USER_NOT_FOUND);
      return user;
    };

    const profileOf = async (userId: number, viewer: OurUser | null) => {
      const profile = await usersService.profile(userId, viewer);
      return { profile: views.profile(profile, profile.followed) };
    };

    app.post(
      '/users/login',
      {
        // The same counter as `POST /api/users/token`, and the same lock-out after failed passwords.
        config: rateLimited('login', limits?.login),
        schema: {
          hide: true,
          tags: ['User and Authentication'],
          summary: 'Log in',
          body: LoginRequest,
          response: { 200: UserResponse },
        },
      },
      async (request) => {
        const { email, password } = request.body.user;
        const token = await authService.login(email, password);
        const user = await usersService.findByEmail(email);
        if (!user) throw new NotFoundError(USER_NOT_FOUND);
        return userView(user, token);
      },
    );

    app.post(
      '/users',
      {
        config: rateLimited('register', limits?.register),
        schema: {
          hide: true,
          tags: ['User and Authentication'],
          summary: 'Register',
          body: RegisterRequest,
          response: { 201: UserResponse },
        },
      },
      async (request, reply) => {
        const { user, token } = await authService.registerAndSignIn(request.body.user);
        return reply.code(201).send(userView(user, token));
      },
    );

    app.get(
      '/user',
      {
        config: { access: 'signed-in' },
        schema: {
          hide: true,
          tags: ['User and Authentication'],
          summary: 'The signed-in user, with the token they sent',
          response: { 200: UserResponse },
        },
      },
      async (request) => userView(request.user, tokenOf(request)),
    );

    app.put(
      '/user',
      {
        config: { access: 'signed-in' },
        schema: {
          hide: true,
          tags: ['User and Authentication'],
          summary: 'Change the name, email or bio',
          description: `A password is refused (${PASSWORD_ELSEWHERE}), and so is a picture URL (${PICTURE_ELSEWHERE}); the current picture's URL, or an empty one, is accepted and changes nothing.`,
          body: UpdateUserRequest,
          response: { 200: UserResponse },
        },
      },
      async (request) => {
        const actor = request.user;
        const { username, email, bio, image, password } = request.body.user;
        if (password) throw new InvalidFieldError('password', PASSWORD_ELSEWHERE);
        const currentImage = views.absolute(usersService.imagePath(actor.imageFile));
        if (image && image !== currentImage) throw new InvalidFieldError('image', PICTURE_ELSEWHERE);
        await usersService.update(actor, actor.id, {
          ...(username !== undefined && { username }),
          ...(email !== undefined && { email }),
          ...(bio !== undefined && { bio }),
        });
        const updated = await usersService.findById(actor.id);
        if (!updated) throw new NotFoundError(USER_NOT_FOUND);
        return userView(updated, tokenOf(request));
      },
    );

    app.get(
      '/profiles/:username',
      {
        config: { access: 'optional-auth' },
        schema: {
          hide: true,
          tags: ['Profile'],
          summary: 'A profile',
          params: UsernameParams,
          response: { 200: ProfileResponse },
        },
      },
      async (request) => profileOf((await byName(request.params.username)).id, request.viewer),
    );

    const followRoute = (summary: string) => ({
      config: { access: 'signed-in' as const },
      schema: {
        hide: true,
        tags: ['Profile'],
        summary,
        params: UsernameParams,
        response: { 200: ProfileResponse },
      },
    });

    app.post('/profiles/:username/follow', followRoute('Follow someone'), async (request) => {
      const user = await byName(request.params.username);
      await followsService.follow(request.user, user.id);
      return profileOf(user.id, request.user);
    });

    app.delete('/profiles/:username/follow', followRoute('Stop following someone'), async (request) => {
      const user = await byName(request.params.username);
      await followsService.unfollow(request.user, user.id);
      return profileOf(user.id, request.user);
    });
  };

export default usersRoutes;
