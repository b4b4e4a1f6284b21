import path from 'node:path';
import type { MailConfig } from '../config.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

/** A message ready to send; `from` is the mailer's own. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** `outbox` writes files for a developer to open; `smtp` really delivers. */
  readonly delivery: 'outbox' | 'smtp';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** SMTP when `MAIL_SERVER` is set, else `.eml` files in `DATA_DIR/outbox`. */
export function createMailer(config: MailConfig, dataDir: string): Mailer {
  return config.smtp
    ? new SmtpMailer(config.smtp, config.from)
    : new OutboxMailer(path.join(dataDir, 'outbox'), config.from);
}
