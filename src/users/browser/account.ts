import type { UserPrivate } from '../users.schemas.js';
import { api } from '../../platform/web/browser/api.js';
import { byId, field, modal, onSubmit, showError, showSuccess } from '../../platform/web/browser/dom.js';
import { confirmationMatches } from '../../platform/web/browser/forms.js';
import { showSignedIn } from '../../platform/web/browser/navbar.js';
import { currentUser, forgetToken, rememberUser, storeToken } from '../../platform/web/browser/session.js';

const user = await currentUser<UserPrivate>().catch(() => null);
if (!user) {
  window.location.replace('/login');
} else {
  setUpAccount(user);
}

function setUpAccount(initial: UserPrivate): void {
  let user = initial;
  const picture = byId<HTMLImageElement>('pictureImage');
  const pictureInput = byId<HTMLInputElement>('pictureInput');
  const deletePicture = byId<HTMLButtonElement>('deletePicture');
  const profileForm = byId<HTMLFormElement>('profileForm');

  function show(updated: UserPrivate): void {
    user = updated;
    rememberUser(updated);
    showSignedIn(updated);
    picture.src = updated.image_path;
    deletePicture.hidden = updated.image_file === null;
    (profileForm.elements.namedItem('username') as HTMLInputElement).value = updated.username;
    (profileForm.elements.namedItem('email') as HTMLInputElement).value = updated.email;
    (profileForm.elements.namedItem('bio') as HTMLTextAreaElement).value = updated.bio ?? '';
  }

  show(user);
  byId('account').hidden = false;

  onSubmit(profileForm, async (data) => {
    show(
      await api<UserPrivate>(`/api/users/${user.id}`, {
        method: 'PATCH',
        json: { username: field(data, 'username'), email: field(data, 'email'), bio: field(data, 'bio') },
      }),
    );
    showSuccess('Your profile is saved.');
  });

  // A preview of the chosen file before it is sent, as a data: URL (the CSP allows no blob: images).
  pictureInput.addEventListener('change', () => {
    const file = pictureInput.files?.[0];
    if (!file) {
      picture.src = user.image_path;
      return;
    }
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      // Only if the file is still the chosen one (not replaced, nor uploaded meanwhile).
      if (typeof reader.result === 'string' && pictureInput.files?.[0] === file) picture.src = reader.result;
    });
    reader.readAsDataURL(file);
  });

  onSubmit(byId<HTMLFormElement>('pictureForm'), async () => {
    const file = pictureInput.files?.[0];
    if (!file) {
      showError('Choose a picture first.');
      return;
    }
    const form = new FormData();
    form.append('file', file);
    try {
      show(await api<UserPrivate>(`/api/users/${user.id}/picture`, { method: 'PATCH', form }));
    } catch (error) {
      picture.src = user.image_path;
      throw error;
    }
    pictureInput.value = '';
    showSuccess('Your picture is updated.');
  });

  deletePicture.addEventListener('click', () => {
    api<UserPrivate>(`/api/users/${user.id}/picture`, { method: 'DELETE' })
      .then((updated) => {
        show(updated);
        showSuccess('Your picture is deleted.');
      })
      .catch((error: unknown) => showError((error as Error).message));
  });

  const passwordForm = byId<HTMLFormElement>('passwordForm');
  onSubmit(passwordForm, async (data) => {
    if (!confirmationMatches(passwordForm, data, 'new_password')) return;
    const answer = await api<{ message: string; access_token: string }>('/api/users/me/password', {
      method: 'PATCH',
      json: { current_password: field(data, 'current_password'), new_password: field(data, 'new_password') },
    });
    // Every older token is revoked now, this page's included: keep the fresh one.
    storeToken(answer.access_token);
    passwordForm.reset();
    showSuccess(answer.message);
  });

  byId('confirmDeleteAccount').addEventListener('click', () => {
    api(`/api/users/${user.id}`, { method: 'DELETE' })
      .then(() => {
        forgetToken();
        window.location.assign('/');
      })
      .catch((error: unknown) => {
        modal('deleteAccountModal').hide();
        showError((error as Error).message);
      });
  });
}
