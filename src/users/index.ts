import fp from 'fastify-plugin';
import { PicturesService } from './pictures.service.js';
import picturesRoutes from './pictures.routes.js';
import { UsersRepository } from './users.repository.js';
import usersPages from './users.pages.js';
import usersRoutes from './users.routes.js';
import { UsersService } from './users.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    usersService: UsersService;
    picturesService: PicturesService;
  }
}

/** Users: profiles and profile pictures (`/api/users`), and the account page. */
export default fp(
  async function users(app) {
    const usersService = new UsersService(new UsersRepository(app.database), app.storage, app.log);
    app.decorate('usersService', usersService);
    app.decorate('picturesService', new PicturesService(app.images, app.storage, usersService, app.log));
    app.describeApiTag('users', 'Accounts and profiles');

    await app.register(usersRoutes, { prefix: '/api/users' });
    await app.register(picturesRoutes, { prefix: '/api/users' });
    await app.register(usersPages);
  },
  { name: 'users' },
);
