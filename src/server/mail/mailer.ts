/**
 * Outgoing mail through SMTP_URL (nodemailer): Mailpit on 127.0.0.1:1025 in development and
 * tests, the provider's SMTP server in production. One pooled transport per process.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { env } from '@/env';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendMail = (mail: Mail) => Promise<void>;

let transport: Transporter | undefined;

export const sendMail: SendMail = async (mail) => {
  // A slow or dead server fails the request within seconds instead of hanging it.
  const options: SMTPPool.Options = {
    url: env.SMTP_URL,
    pool: true,
    maxConnections: 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
  transport ??= nodemailer.createTransport(options, { from: env.SMTP_FROM });
  await transport.sendMail(mail);
};
