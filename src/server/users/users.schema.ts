import { z } from 'zod';
import { ZEmail } from '../common.schema';

/** Shoppers identify by email only (a guest session, as in the original system). */
export const ZGuestSignInInput = z.object({ email: ZEmail }).strict();
export type TGuestSignInInput = z.infer<typeof ZGuestSignInInput>;

const ZPassword = z
  .string({ error: 'password must be a string' })
  .min(8, { error: 'password must be at least 8 characters' })
  .max(200, { error: 'password must be at most 200 characters' });

/** Admin sign-in: the password is checked against the bcrypt hash, so no length rule beyond non-empty. */
export const ZAdminSignInInput = z
  .object({ email: ZEmail, password: z.string({ error: 'password must be a string' }).min(1, { error: 'password is required' }).max(200) })
  .strict();
export type TAdminSignInInput = z.infer<typeof ZAdminSignInInput>;

/** The first admin's sign-up (open only while no admin exists) and `npm run admin:create`. */
export const ZAdminSignUpInput = z.object({ email: ZEmail, password: ZPassword }).strict();
export type TAdminSignUpInput = z.infer<typeof ZAdminSignUpInput>;
