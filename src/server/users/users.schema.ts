import { z } from 'zod';
import { ZEmail } from '../common.schema';

/** SHOPPER_AUTH=open: shoppers identify by email only (a guest session, as in the original system). */
export const ZGuestSignInInput = z.object({ email: ZEmail }).strict();
export type TGuestSignInInput = z.infer<typeof ZGuestSignInInput>;

/** Verified shoppers: a one-time code is sent to the email... */
export const ZShopperCodeRequest = z.object({ email: ZEmail }).strict();
export type TShopperCodeRequest = z.infer<typeof ZShopperCodeRequest>;

/** The code from the email: six digits, as text (a leading zero counts). */
export const ZSignInCode = z
  .string({ error: (iss) => (iss.input === undefined ? 'code is required' : 'code must be a string of 6 digits') })
  .trim()
  .regex(/^\d{6}$/, { error: 'code must be the 6 digits from the email' });

/** ...and proves the shopper reads that mailbox. */
export const ZShopperCodeVerify = z.object({ email: ZEmail, code: ZSignInCode }).strict();
export type TShopperCodeVerify = z.infer<typeof ZShopperCodeVerify>;

const ZPassword = z.string().min(8).max(200);

/** Admin sign-in: the password is checked against the bcrypt hash, so no length rule beyond non-empty. */
export const ZAdminSignInInput = z.object({ email: ZEmail, password: z.string().min(1).max(200) }).strict();
export type TAdminSignInInput = z.infer<typeof ZAdminSignInInput>;

/** An admin's account: `npm run admin:create`, and the first admin's sign-up below. */
export const ZAdminSignUpInput = z.object({ email: ZEmail, password: ZPassword }).strict();
export type TAdminSignUpInput = z.infer<typeof ZAdminSignUpInput>;

/**
 * The first admin's sign-up: also the one-time setup token from the link the server printed.
 * A missing token is the service's refusal (403, saying where the link comes from), not a 400.
 */
export const ZFirstAdminSignUpInput = ZAdminSignUpInput.extend({ token: z.string().max(200).default('') }).strict();
export type TFirstAdminSignUpInput = z.infer<typeof ZFirstAdminSignUpInput>;

/** The sign-up page asks with the token from its link. */
export const ZSignUpStatusInput = z.object({ token: z.string().max(200).default('') }).strict();
