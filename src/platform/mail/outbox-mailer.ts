import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.js';

/** The embedded mode's mail: each message is composed exactly as SMTP would send it, then saved as `.eml`. */
export class OutboxMailer implements Mailer {
  readonly delivery = 'outbox';
  // nodemailer is loaded with the first mail: a process may never send one.
  private composer: Promise<Transporter> | undefined;

  constructor(
    readonly folder: string,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.composer ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    );
    const info = (await (await this.composer).sendMail({ from: this.from, ...message })) as {
      message: Buffer;
    };
    await mkdir(this.folder, { recursive: true });
    // Time first, so that a listing of the folder is in sending order.
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
    await writeFile(path.join(this.folder, name), info.message);
  }

  close(): void {
    void this.composer?.then((composer) => composer.close());
  }
}
