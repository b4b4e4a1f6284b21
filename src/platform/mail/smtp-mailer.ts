import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../config.js';
import type { Mailer, MailMessage } from './mailer.js';

type SmtpSettings = NonNullable<MailConfig['smtp']>;

/**
 * Delivery over SMTP. `MAIL_USE_TLS=true` is implicit TLS (port 465); otherwise nodemailer upgrades
 * with STARTTLS whenever the server offers it.
 */
export class SmtpMailer implements Mailer {
  readonly delivery = 'smtp';
  private readonly transport: Transporter;

  constructor(
    smtp: SmtpSettings,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.useTls,
      auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
      // A dead server fails the attempt quickly; the job queue retries later.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  close(): void {
    this.transport.close();
  }
}
