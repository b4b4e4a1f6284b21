import fp from 'fastify-plugin';
import authPages from './auth.pages.js';
import authRoutes from './auth.routes.js';
import { AuthService } from './auth.service.js';
import { provideAuthentication } from './authenticate.js';
import {
  MemoryLoginThrottle,
  RedisLoginThrottle,
  noLoginThrottle,
  type LoginThrottle,
} from './login-throttle.js';
import { ResetTokensRepository } from './reset-tokens.repository.js';
import { createAccessTokens } from './tokens.js';

declare module 'fastify' {
  interface FastifyInstance {
    authService: AuthService;
  }
}

/**
 * Auth: registration, logins (JWTs), the authentication of every route that needs a user, and
 * passwords (forgot by mail, reset, change), with their pages.
 */
export default fp(
  async function auth(app) {
    const { config } = app;
    const tokens = createAccessTokens(config.jwt);
    let throttle: LoginThrottle = noLoginThrottle;
    if (config.rateLimits) {
      const limit = config.rateLimits.loginFailures;
      throttle = app.redis
        ? new RedisLoginThrottle(app.redis, limit, app.log)
        : new MemoryLoginThrottle(limit);
    }
    provideAuthentication(app, tokens, app.usersService);
    app.decorate(
      'authService',
      new AuthService(
        app.database.db,
        app.usersService,
        new ResetTokensRepository(app.database.db),
        tokens,
        throttle,
        app.jobs,
        app.mailer,
        app.log,
        { frontendUrl: config.frontendUrl, resetTokenExpireMinutes: config.resetTokenExpireMinutes },
      ),
    );
    app.describeApiTag('auth', 'Tokens and passwords');

    await app.register(authRoutes, { prefix: '/api/users' });
    await app.register(authPages);
  },
  { name: 'auth', dependencies: ['users'] },
);
