'use client';
import { signIn } from 'next-auth/react';
import { useId, useState, type FormEvent } from 'react';
import { ZAdminSignInInput, ZGuestSignInInput } from '@/server/users/users.schema';
import { safeCallback } from './safe-callback';

type Mode = 'shopper' | 'admin';

/** next-auth puts a thrown authorize() message into `error`; its own codes get a sentence here. */
function signInError(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code === 'CredentialsSignin') return 'Wrong email or password';
  if (/^[A-Z][A-Za-z]+$/.test(code)) return 'Sign-in failed; please try again';
  return code;
}

export function SignInForms({
  initialMode,
  callbackUrl,
  initialError,
  noAdminYet,
}: {
  initialMode: Mode;
  callbackUrl: string | null;
  initialError: string | null;
  /** No admin exists: say how the first one is made. */
  noAdminYet: boolean;
}) {
  const [mode, setMode] = useState<Mode>(initialMode);
  const [error, setError] = useState<string | null>(signInError(initialError));
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const id = useId();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    const parsed =
      mode === 'shopper' ? ZGuestSignInInput.safeParse({ email }) : ZAdminSignInInput.safeParse({ email, password });
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => i.message).join('; '));
      return;
    }
    setBusy(true);
    const target = safeCallback(callbackUrl, mode === 'admin' ? '/admin' : '/');
    const res = await signIn(mode === 'shopper' ? 'guest' : 'admin', { ...parsed.data, redirect: false, callbackUrl: target });
    if (!res || res.error || !res.ok) {
      setBusy(false);
      setError(signInError(res?.error) ?? 'Sign-in failed; please try again');
      return;
    }
    // A full load, so server-rendered parts (header, guards) see the new session.
    window.location.assign(target);
  };

  return (
    <div className="card stack" style={{ maxWidth: 460, margin: '0 auto' }}>
      <div role="tablist" aria-label="Sign in as" className="row">
        {(['shopper', 'admin'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            id={`${id}-tab-${m}`}
            aria-selected={mode === m}
            aria-controls={`${id}-panel`}
            className={`btn small ${mode === m ? '' : 'secondary'}`}
            onClick={() => {
              setMode(m);
              setError(null);
            }}
          >
            {m === 'shopper' ? 'Shopper' : 'Admin'}
          </button>
        ))}
      </div>
      <form
        id={`${id}-panel`}
        role="tabpanel"
        aria-labelledby={`${id}-tab-${mode}`}
        className="stack"
        onSubmit={(e) => void submit(e)}
        noValidate
      >
        <h1>{mode === 'shopper' ? 'Sign in to shop' : 'Admin sign-in'}</h1>
        <p className="muted small">
          {mode === 'shopper'
            ? 'Just your email: it keeps your place in line and your orders. No password.'
            : 'For people who run the sales.'}
        </p>
        {error && (
          <div className="notice bad" role="alert" data-testid="signin-error">
            {error}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        {mode === 'admin' && (
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
        )}
        <button type="submit" className="btn wide" disabled={busy}>
          {busy ? 'Signing in…' : mode === 'shopper' ? 'Continue' : 'Sign in'}
        </button>
        {mode === 'admin' && noAdminYet && (
          <p className="small" data-testid="no-admin-yet">
            No admin yet? Open the one-time setup link the server printed when it started, or run{' '}
            <code>npm run admin:create</code>.
          </p>
        )}
      </form>
    </div>
  );
}
