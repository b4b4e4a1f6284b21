import { api } from '../../platform/web/browser/api.js';
import { byId, field, onSubmit, showError, showSuccess } from '../../platform/web/browser/dom.js';

const token = new URLSearchParams(window.location.search).get('token') ?? '';
const form = byId<HTMLFormElement>('resetForm');

onSubmit(form, async (data) => {
  if (field(data, 'new_password') !== field(data, 'confirm')) {
    showError('The two passwords differ.');
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
