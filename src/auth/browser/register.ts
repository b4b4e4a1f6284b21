import { api } from '../../platform/web/browser/api.js';
import { byId, field, onSubmit, showError } from '../../platform/web/browser/dom.js';

onSubmit(byId<HTMLFormElement>('registerForm'), async (data) => {
  if (field(data, 'password') !== field(data, 'confirm')) {
    showError('The two passwords differ.');
    return;
  }
  await api('/api/users', {
    method: 'POST',
    json: {
      username: field(data, 'username'),
      email: field(data, 'email'),
      password: field(data, 'password'),
    },
  });
  window.location.assign('/login?registered=1');
});
