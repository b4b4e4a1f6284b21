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
