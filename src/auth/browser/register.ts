import { api } from '../../platform/web/browser/api.js';
import { byId, field, onSubmit, showError } from '../../platform/web/browser/dom.js';
import { confirmationMatches, PASSWORDS_DIFFER } from '../../platform/web/browser/forms.js';
import { flashOnNextPage } from '../../platform/web/browser/toasts.js';

const form = byId<HTMLFormElement>('registerForm');

onSubmit(form, async (data) => {
  if (!confirmationMatches(form, data, 'password')) {
    showError(PASSWORDS_DIFFER);
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
  flashOnNextPage('Your account is created. Log in to start writing.');
  window.location.assign('/login?registered=1');
});
