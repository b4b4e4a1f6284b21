import { api } from '../../platform/web/browser/api.js';
import { byId, field, onSubmit, showSuccess } from '../../platform/web/browser/dom.js';

const form = byId<HTMLFormElement>('forgotForm');

onSubmit(form, async (data) => {
  const { message } = await api<{ message: string }>('/api/users/forgot-password', {
    method: 'POST',
    json: { email: field(data, 'email') },
  });
  form.reset();
  showSuccess(message);
});
