'use client';
import { signOut } from 'next-auth/react';
import { useState } from 'react';

export function SignOutButton({ callbackUrl = '/' }: { callbackUrl?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn secondary small"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signOut({ callbackUrl });
      }}
    >
      {busy ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
