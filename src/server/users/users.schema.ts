import { z } from 'zod';
import { ZEmail } from '../common.schema';

/** Shoppers identify by email only (a guest session, as in the original system). */
export const ZGuestSignInInput = z.object({ email: ZEmail }).strict();
export type TGuestSignInInput = z.infer<typeof ZGuestSignInInput>;

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
