import type { Transporter } from 'nodemailer';
import type { MailConfig } from '../config.js';
import type { Mailer, MailMessage } from './mailer.js';

type SmtpSettings = NonNullable<MailConfig['smtp']>;

/**
 * Delivery over SMTP. `MAIL_USE_TLS=true` is implicit TLS (port 465); otherwise nodemailer upgrades
 * with STARTTLS whenever the server offers it.
 */
export class SmtpMailer implements Mailer {
  readonly delivery = 'smtp';
  // nodemailer is loaded with the first mail: a process may never send one.
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly smtp: SmtpSettings,
    private readonly from: string,
  ) {}

  private connect(): Promise<Transporter> {
    const { smtp } = this;
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.useTls,
        auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
        // A dead server fails the attempt quickly; the job queue retries later.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      }),
    );
    return this.transport;
  }

  async send(message: MailMessage): Promise<void> {
    await (await this.connect()).sendMail({ from: this.from, ...message });
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}
