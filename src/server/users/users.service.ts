/**
 * Users: shoppers (by email, created on first sign-in), admins (bcrypt hash), and the
 * first-admin sign-up, which is open only while no admin exists and only with the setup token.
 */
import bcrypt from 'bcryptjs';
import { User } from '@models/index';
import type { AppDeps } from '../deps';
import type { Session } from '../auth/session';
import { DomainError, InvalidCredentialsError } from '../errors';
import type { TAdminSignInInput, TAdminSignUpInput, TFirstAdminSignUpInput, TGuestSignInInput } from './users.schema';
import { isSetupTokenValid, revokeSetupToken } from './setup-token';

const BCRYPT_ROUNDS = 10;

/** A bcrypt hash of nothing in particular: unknown emails cost the same time as wrong passwords. */
const DUMMY_HASH = '$2b$10$h7cDEaVU9iMDpXsUiEPNb.UKUEWmE7x5PDViiZFhayq4MMZTaXaDS';

export const AdminEmailForGuestError = () =>
  new DomainError('ADMIN_EMAIL', 'FORBIDDEN', 'This email belongs to an admin: sign in as an admin with your password');
export const AdminExistsError = () =>
  new DomainError('ADMIN_EXISTS', 'CONFLICT', 'An admin already exists: sign-up is closed, sign in instead');
export const SetupLinkRequiredError = () =>
  new DomainError(
    'SETUP_LINK_REQUIRED',
    'FORBIDDEN',
    'Creating the first admin needs the one-time setup link the server printed when it started (it works once, until the server restarts); or run npm run admin:create',
  );

/**
 * Signs a shopper in by email, creating the shopper on first visit. Admin emails are refused.
 * Callers prove the email first (a sign-in code), except in SHOPPER_AUTH=open mode.
 */
export async function shopperSignIn(deps: AppDeps, { email }: TGuestSignInInput): Promise<Session> {
  await deps.mongo();
  const user = await User.findOneAndUpdate(
    { email },
    { $setOnInsert: { email, role: 'shopper', passwordHash: '' } },
    { upsert: true, new: true },
  ).lean();
  if (user?.role === 'admin') throw AdminEmailForGuestError();
  return { email, role: 'shopper' };
}

export async function verifyAdmin(deps: AppDeps, { email, password }: TAdminSignInInput): Promise<Session> {
  await deps.mongo();
  const user = await User.findOne({ email, role: 'admin' }).lean();
  const ok = await bcrypt.compare(password, user?.passwordHash || DUMMY_HASH);
  if (!user || !ok) throw InvalidCredentialsError();
  return { email, role: 'admin' };
}

export async function adminExists(deps: AppDeps): Promise<boolean> {
  await deps.mongo();
  return (await User.exists({ role: 'admin' })) !== null;
}

/**
 * Creates an admin, or makes an existing user an admin with this password (the operator's
 * `npm run admin:create`). Returns whether the user was new.
 */
export async function upsertAdmin(deps: AppDeps, { email, password }: TAdminSignUpInput): Promise<{ created: boolean }> {
  await deps.mongo();
  const passwordHash = await bcrypt.hash(password, BCRYPT_ROUNDS);
  const res = await User.updateOne({ email }, { $set: { passwordHash, role: 'admin' }, $setOnInsert: { email } }, { upsert: true });
  return { created: res.upsertedCount === 1 };
}

/**
 * The first admin's self sign-up, with the setup token the server printed (see setup-token.ts);
 * the token stops working once an admin is made. Two sign-ups racing could both pass the "no
 * admin yet" check, so each one checks again after inserting and backs out if another admin is
 * there: at worst both back out (and may retry), never two admins through this door.
 */
export async function signUpFirstAdmin(deps: AppDeps, { token, ...input }: TFirstAdminSignUpInput): Promise<Session> {
  if (!isSetupTokenValid(token)) throw SetupLinkRequiredError();
  if (await adminExists(deps)) throw AdminExistsError();
  if (await User.exists({ email: input.email })) {
    // A shopper with this email: promoting them is only allowed while no admin exists, same rule.
    const passwordHash = await bcrypt.hash(input.password, BCRYPT_ROUNDS);
    const res = await User.updateOne({ email: input.email, role: 'shopper' }, { $set: { passwordHash, role: 'admin' } });
    if (res.modifiedCount !== 1) throw AdminExistsError();
  } else {
    const passwordHash = await bcrypt.hash(input.password, BCRYPT_ROUNDS);
    try {
      await User.create({ email: input.email, passwordHash, role: 'admin' });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw AdminExistsError();
      throw err;
    }
  }
  const others = await User.countDocuments({ role: 'admin', email: { $ne: input.email } });
  if (others > 0) {
    await User.updateOne({ email: input.email }, { $set: { role: 'shopper', passwordHash: '' } });
    throw AdminExistsError();
  }
  revokeSetupToken();
  return { email: input.email, role: 'admin' };
}
