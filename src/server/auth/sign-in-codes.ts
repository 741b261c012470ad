/**
 * Verified shoppers: a six-digit one-time code sent to the email, which proves the shopper reads
 * that mailbox. The code is kept in Redis only as an HMAC (keyed with the app's secret), expires
 * (SHOPPER_CODE_TTL_SECONDS, 10 minutes), works once, and dies after SHOPPER_CODE_MAX_TRIES wrong
 * tries; a new code replaces the previous one. Issuing and checking are one Lua script each
 * (src/engine/lua/otp-1.lua), so racing tries cannot use a code twice or exceed the tries.
 * Rate limits (code requests and checks, per address and per email) are applied by the callers.
 */
import { createHmac, randomInt } from 'node:crypto';
import { env } from '@/env';
import { signInCodeScript } from '@/engine/scripts';
import type { AppDeps } from '../deps';
import type { Session } from './session';
import { DomainError, ServiceUnavailableError } from '../errors';
import { sendMail, type SendMail } from '../mail/mailer';
import { shopperSignIn } from '../users/users.service';
import type { TShopperCodeRequest, TShopperCodeVerify } from '../users/users.schema';

export interface CodeSettings {
  ttlSec: number;
  maxTries: number;
}

export const codeSettingsFromEnv = (): CodeSettings => ({ ttlSec: env.SHOPPER_CODE_TTL_SECONDS, maxTries: env.SHOPPER_CODE_MAX_TRIES });

/** The code's key outlives it by this much, so a late try hears "expired" rather than "no code". */
const KEEP_AFTER_EXPIRY_MS = 3_600_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const WrongCodeError = (triesLeft: number) =>
  new DomainError('CODE_WRONG', 'UNAUTHORIZED', `That code is not right: ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`);
export const CodeDeadError = () =>
  new DomainError('CODE_DEAD', 'UNAUTHORIZED', 'Too many wrong tries: this code no longer works. Send a new code');
export const CodeUsedError = () => new DomainError('CODE_USED', 'UNAUTHORIZED', 'This code was already used: send a new code');
export const CodeExpiredError = () => new DomainError('CODE_EXPIRED', 'UNAUTHORIZED', 'This code has expired: send a new code');
export const NoCodeError = () =>
  new DomainError('NO_CODE', 'UNAUTHORIZED', 'No sign-in code was sent to this email (or it was long ago): send a code first');

const hashOf = (email: string, code: string) =>
  createHmac('sha256', env.NEXTAUTH_SECRET).update(`sign-in-code\n${email}\n${code}`).digest('base64url');

/** What the shopper receives. */
export function signInCodeMail(to: string, code: string, ttlSec: number) {
  const minutes = ttlSec >= 120 ? plural(Math.round(ttlSec / 60), 'minute') : plural(ttlSec, 'second');
  return {
    to,
    subject: `Your Flash Sale sign-in code: ${code}`,
    text:
      `Your sign-in code is ${code}\n\n` +
      `It works once, for ${minutes}. If you did not ask for it, ignore this email: nobody can sign in as you without the code.\n`,
    html:
      `<p>Your sign-in code is</p><p style="font-size:28px;font-weight:bold;letter-spacing:4px">${code}</p>` +
      `<p>It works once, for ${minutes}. If you did not ask for it, ignore this email: nobody can sign in as you without the code.</p>`,
  };
}

export interface CodeSent {
  sent: true;
  email: string;
  expiresInSec: number;
  triesAllowed: number;
}

/** Makes a new code for the email (the previous one stops working) and mails it. */
export async function sendSignInCode(
  deps: AppDeps,
  { email }: TShopperCodeRequest,
  opts: { settings?: CodeSettings; send?: SendMail } = {},
): Promise<CodeSent> {
  const { ttlSec, maxTries } = opts.settings ?? codeSettingsFromEnv();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await signInCodeScript(deps.redis).issue(email, hashOf(email, code), ttlSec * 1000, KEEP_AFTER_EXPIRY_MS);
  try {
    await (opts.send ?? sendMail)(signInCodeMail(email, code, ttlSec));
  } catch (err) {
    console.error(`[mail] sign-in code to ${email} not sent:`, err instanceof Error ? err.message : err);
    throw ServiceUnavailableError('The email with your code could not be sent', 5);
  }
  return { sent: true, email, expiresInSec: ttlSec, triesAllowed: maxTries };
}

/**
 * Checks the code; the right one is used up and signs the shopper in (the user is created on
 * first sign-in; an admin's email is refused: admins sign in with their password).
 */
export async function verifySignInCode(
  deps: AppDeps,
  { email, code }: TShopperCodeVerify,
  settings: CodeSettings = codeSettingsFromEnv(),
): Promise<Session> {
  const r = await signInCodeScript(deps.redis).check(email, hashOf(email, code), settings.maxTries);
  switch (r.status) {
    case 'ok':
      return shopperSignIn(deps, { email });
    case 'wrong':
      throw WrongCodeError(r.triesLeft);
    case 'dead':
      throw CodeDeadError();
    case 'used':
      throw CodeUsedError();
    case 'expired':
      throw CodeExpiredError();
    default:
      throw NoCodeError();
  }
}
