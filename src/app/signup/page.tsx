import type { Metadata } from 'next';
import Link from 'next/link';
import { serverApi } from '@/trpc/server';
import { SignUpForm } from '@/components/sign-up-form';

export const metadata: Metadata = { title: 'Admin sign-up' };
export const dynamic = 'force-dynamic';

export default async function SignUpPage() {
  const api = await serverApi();
  const { open } = await api.users.signUpOpen();
  if (!open) {
    return (
      <div className="card stack" style={{ maxWidth: 460, margin: '0 auto' }} data-testid="signup-closed">
        <h1>Sign-up is closed</h1>
        <p>An admin account already exists. Admins add further admins with the command line.</p>
        <p>
          <Link href="/signin?as=admin">Sign in as an admin</Link>
        </p>
      </div>
    );
  }
  return <SignUpForm />;
}
