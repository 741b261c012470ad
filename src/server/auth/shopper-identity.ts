/**
 * Who a shopper request acts for. tRPC procedures take the buyer from the session only (their
 * inputs have no email field). REST shopper routes (buy, position, confirm, cancel, by-email)
 * keep the original system's `email` field, so their rule is:
 *
 *   - signed in (a bearer token; REST ignores session cookies): the request acts for that email. An
 *     `email` in the body or query may be left out; if sent it must be the signed-in one, else 403
 *     NOT_YOUR_EMAIL (admins may name anyone on by-email, as on tRPC);
 *   - not signed in: SHOPPER_AUTH=verified refuses with 401; SHOPPER_AUTH=open (load tests,
 *     demos) acts for the email the request names, as the original system did.
 */
import { env } from '@/env';
import { DomainError } from '../errors';
import type { Session } from './session';

export type ShopperAuthMode = 'open' | 'verified';

export const shopperAuthMode = (): ShopperAuthMode => env.SHOPPER_AUTH;

export const ShopperSignInRequiredError = () =>
  new DomainError(
    'UNAUTHORIZED',
    'UNAUTHORIZED',
    'Sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/shopper/code, then POST /api/v1/auth/shopper/verify)',
  );

export const NotYourEmailError = () =>
  new DomainError(
    'NOT_YOUR_EMAIL',
    'FORBIDDEN',
    "email is not the signed-in shopper's: a shopper acts only for themselves (leave email out, or send your own)",
  );

/** The message when an open-mode request names nobody (a 400 on the `email` field). */
export const EMAIL_OR_TOKEN_REQUIRED = 'email is required (or sign in and send Authorization: Bearer <token>)';

/**
 * The email a REST shopper request acts for, or a refusal. `named` is the request's `email`
 * (validated); undefined when there is none to act for in open mode (the caller reports it as a
 * missing field).
 */
export function actingShopper(
  mode: ShopperAuthMode,
  session: Session | null,
  named: string | undefined,
  opts: { adminsMayName?: boolean } = {},
): string | undefined {
  if (session) {
    if (named === undefined || named === session.email) return session.email;
    if (opts.adminsMayName && session.role === 'admin') return named;
    throw NotYourEmailError();
  }
  if (mode === 'verified') throw ShopperSignInRequiredError();
  return named;
}
