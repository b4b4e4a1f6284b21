import { api } from '../../platform/web/browser/api.js';
import { byId, field, onSubmit, showError, showSuccess } from '../../platform/web/browser/dom.js';
import { confirmationMatches, PASSWORDS_DIFFER } from '../../platform/web/browser/forms.js';

const token = new URLSearchParams(window.location.search).get('token') ?? '';
const form = byId<HTMLFormElement>('resetForm');

onSubmit(form, async (data) => {
  if (!confirmationMatches(form, data, 'new_password')) {
    showError(PASSWORDS_DIFFER);
    return;
  }
  const { message } = await api<{ message: string }>('/api/users/reset-password', {
    method: 'POST',
    json: { token, new_password: field(data, 'new_password') },
  });
  form.querySelector('fieldset')!.disabled = true;
  showSuccess(`${message} You can log in now.`);
  byId('successModal').addEventListener('hidden.bs.modal', () => window.location.assign('/login'), {
    once: true,
  });
});
