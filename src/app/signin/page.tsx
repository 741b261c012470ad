import type { Metadata } from 'next';
import { env } from '@/env';
import { serverApi } from '@/trpc/server';
import { SignInForms } from '@/components/sign-in-forms';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

export default async function SignInPage({ searchParams }: Props) {
  const sp = await searchParams;
  const callbackUrl = one(sp.callbackUrl);
  const as = one(sp.as) === 'admin' || callbackUrl?.startsWith('/admin') ? 'admin' : 'shopper';
  const api = await serverApi();
  const { adminExists } = await api.users.signUpStatus({}).catch(() => ({ adminExists: true }));
  return (
    <SignInForms
      initialMode={as}
      callbackUrl={callbackUrl}
      initialError={one(sp.error)}
      noAdminYet={!adminExists}
      shopperAuth={env.SHOPPER_AUTH}
    />
  );
}
