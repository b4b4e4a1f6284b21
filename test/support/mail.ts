import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  mail: ParsedMail;
  /** The SMTP envelope recipients (RCPT TO). */
  rcptTo: string[];
  mailFrom: string | undefined;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** The parsed messages, in the order they arrived. */
  mails(): ParsedMail[];
  close(): Promise<void>;
}

/**
 * An SMTP server on 127.0.0.1 (no TLS, any or no login) that keeps every message, parsed. A sink
 * restarted on the same `port` with the same `received` list continues the first one.
 */
export async function startSmtpSink(
  options: { port?: number; received?: ReceivedMail[] } = {},
): Promise<SmtpSink> {
  const { port = 0, received = [] } = options;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            mail,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed = false;
  return {
    port: (server.server.address() as { port: number }).port,
    received,
    mails: () => received.map((entry) => entry.mail),
    close: () =>
      closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            closed = true;
            server.close(() => resolve());
          }),
  };
}

export function mailTo(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((group) => group.value.map((entry) => (entry.address ?? '').toLowerCase()));
}

/** The reset link of a raw mail, decoded from its quoted-printable text part. */
export function resetLinkIn(mail: string): string {
  const unfolded = mail.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const match = /https?:\/\/[^\s"<>]+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(unfolded);
  if (!match) throw new Error('no reset link in the mail');
  return match[0];
}
