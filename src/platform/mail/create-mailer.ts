import path from 'node:path';
import type { MailConfig } from '../config.js';
import type { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

/** SMTP when `MAIL_SERVER` is set, else `.eml` files in `DATA_DIR/outbox`. */
export function createMailer(config: MailConfig, dataDir: string): Mailer {
  return config.smtp
    ? new SmtpMailer(config.smtp, config.from)
    : new OutboxMailer(path.join(dataDir, 'outbox'), config.from);
}
