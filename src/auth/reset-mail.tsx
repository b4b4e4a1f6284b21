import type { MailMessage } from '../platform/mail/mailer.js';
import { renderDocument } from '../platform/web/render.js';

export interface PasswordResetMail {
  to: string;
  username: string;
  resetLink: string;
  expireMinutes: number;
}

export function passwordResetMail({
  to,
  username,
  resetLink,
  expireMinutes,
}: PasswordResetMail): MailMessage {
  const text = `Hello ${username},

Someone asked to reset the password of your account. To choose a new password, open this link:

${resetLink}

The link expires in ${expireMinutes} minutes and works once. If you did not ask for this, ignore this
mail: your password stays as it is.
`;

  const html = renderDocument(
    <html lang="en">
      <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #212529">
        <p>
          Hello <strong safe>{username}</strong>,
        </p>
        <p>
          Someone asked to reset the password of your account. To choose a new password, use the button below.
        </p>
        <p>
          <a
            href={resetLink}
            style="display: inline-block; padding: 10px 18px; background: #0d6efd; color: #ffffff; border-radius: 6px; text-decoration: none"
          >
            Reset your password
          </a>
        </p>
        <p>If the button does not work, copy this link into your browser:</p>
        <p safe>{resetLink}</p>
        <p safe>{`The link expires in ${expireMinutes} minutes and works once.`}</p>
        <p>If you did not ask for this, ignore this mail: your password stays as it is.</p>
      </body>
    </html>,
  );

  return { to, subject: 'Password Reset Request', text, html };
}
