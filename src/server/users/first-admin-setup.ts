/**
 * At start-up, while no admin exists, the app prints a one-time sign-up link for the first admin
 * (whoever reads the server's output, not whoever reaches the site first).
 */
import { env } from '@/env';
import type { AppDeps } from '../deps';
import { adminExists } from './users.service';
import { issueSetupToken } from './setup-token';

export async function offerFirstAdminSetup(deps: AppDeps): Promise<void> {
  let exists: boolean | undefined;
  try {
    exists = await adminExists(deps);
  } catch (err) {
    // MongoDB is not answering yet: offer the link anyway; the sign-up itself checks for admins.
    console.warn(
      `[app] could not check for an admin (${err instanceof Error ? err.message : String(err)}); offering the setup link anyway`,
    );
  }
  if (exists) return;
  const link = new URL('/signup', env.NEXTAUTH_URL);
  link.searchParams.set('token', issueSetupToken());
  console.log(
    `[app] No admin account exists yet. Create the first one at this one-time link (it works once, until the app restarts):\n` +
      `[app]   ${link.href}\n` +
      `[app] or on the server: npm run admin:create -- --email you@example.com`,
  );
}
