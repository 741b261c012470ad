'use client';
import { signIn } from 'next-auth/react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { api } from '@/trpc/react';
import { ZAdminSignInInput, ZGuestSignInInput, ZShopperCodeRequest, ZShopperCodeVerify } from '@/server/users/users.schema';
import { errorInfo } from './errors';
import { FormField } from './form-field';
import { safeCallback } from './safe-callback';

type Mode = 'shopper' | 'admin';
type Field = 'email' | 'password' | 'code';

/** next-auth puts a thrown authorize() message into `error`; its own codes get a sentence here. */
function signInError(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code === 'CredentialsSignin') return 'Wrong email or password';
  if (/^[A-Z][A-Za-z]+$/.test(code)) return 'Sign-in failed; please try again';
  return code;
}

const firstErrors = (err: z.ZodError) => {
  const fe = z.flattenError(err).fieldErrors as Partial<Record<Field, string[]>>;
  return { email: fe.email?.[0], password: fe.password?.[0], code: fe.code?.[0] };
};

const lifetime = (sec: number) => (sec >= 120 ? `${Math.round(sec / 60)} minutes` : `${sec} seconds`);

/**
 * The sign-in page. Shoppers (SHOPPER_AUTH=verified): email, then the six-digit code mailed to
 * it; a wrong, expired or used code says so, and a new code can be sent. SHOPPER_AUTH=open: the
 * email alone (a guest). Admins: email and password.
 */
export function SignInForms({
  initialMode,
  callbackUrl,
  initialError,
  noAdminYet,
  shopperAuth,
}: {
  initialMode: Mode;
  callbackUrl: string | null;
  initialError: string | null;
  /** No admin exists: say how the first one is made. */
  noAdminYet: boolean;
  shopperAuth: 'open' | 'verified';
}) {
  const [mode, setMode] = useState<Mode>(initialMode);
  /** Verified shoppers: asking for the code, or typing it. */
  const [step, setStep] = useState<'email' | 'code'>('email');
  const [problem, setProblem] = useState<string | null>(signInError(initialError));
  const [sent, setSent] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const id = useId();
  const codeInput = useRef<HTMLInputElement>(null);
  const requestCode = api.users.requestSignInCode.useMutation();
  const withCode = mode === 'shopper' && shopperAuth === 'verified';

  // The code field takes the focus when it appears and after a refused code.
  useEffect(() => {
    if (step === 'code') codeInput.current?.focus();
  }, [step, errors.code]);

  const reset = (next: { mode?: Mode; step?: 'email' | 'code' }) => {
    if (next.mode) setMode(next.mode);
    setStep(next.step ?? 'email');
    setProblem(null);
    setSent(null);
    setErrors({});
    setCode('');
  };

  const finish = async (provider: string, credentials: Record<string, string>) => {
    const target = safeCallback(callbackUrl, mode === 'admin' ? '/admin' : '/');
    const res = await signIn(provider, { ...credentials, redirect: false, callbackUrl: target });
    if (!res || res.error || !res.ok) return signInError(res?.error) ?? 'Sign-in failed; please try again';
    // A full load, so server-rendered parts (header, guards) see the new session.
    window.location.assign(target);
    return null;
  };

  /** Mails a code (the first, or a new one replacing it). */
  const sendCode = async (again: boolean) => {
    setProblem(null);
    setSent(null);
    const parsed = ZShopperCodeRequest.safeParse({ email });
    if (!parsed.success) {
      setErrors(firstErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const r = await requestCode.mutateAsync(parsed.data);
      setCode('');
      setStep('code');
      setSent(
        `${again ? 'We sent a new code' : 'We sent a 6-digit code'} to ${r.email}. It works once, for ${lifetime(r.expiresInSec)}` +
          `${again ? '; the previous code no longer works.' : '.'}`,
      );
    } catch (err) {
      setProblem(errorInfo(err).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (withCode && step === 'email') return sendCode(false);
    setProblem(null);
    const parsed = withCode
      ? ZShopperCodeVerify.safeParse({ email, code })
      : mode === 'shopper'
        ? ZGuestSignInInput.safeParse({ email })
        : ZAdminSignInInput.safeParse({ email, password });
    if (!parsed.success) {
      setErrors(firstErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    const failed = await finish(withCode ? 'shopper-code' : mode === 'shopper' ? 'guest' : 'admin', parsed.data);
    if (!failed) return;
    setBusy(false);
    // A refused code belongs to the code field (the focus goes back to it); anything else to the form.
    if (withCode) {
      setSent(null);
      setErrors({ code: failed });
    } else {
      setProblem(failed);
    }
  };

  const heading = mode === 'admin' ? 'Admin sign-in' : 'Sign in to shop';
  const intro =
    mode === 'admin'
      ? 'For people who run the sales.'
      : withCode
        ? 'We email you a 6-digit code: no password. Your email keeps your place in line and your orders.'
        : 'Just your email: it keeps your place in line and your orders. No password.';

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
            onClick={() => reset({ mode: m })}
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
        <h1>{heading}</h1>
        <p className="muted small">{intro}</p>
        {problem && (
          <div className="notice bad" role="alert" data-testid="signin-error">
            {problem}
          </div>
        )}
        {sent && (
          <div className="notice ok" role="status" data-testid="code-sent">
            {sent}
          </div>
        )}
        <FormField id={`${id}-email`} label="Email" error={errors.email}>
          {(c) => (
            <input
              {...c}
              name="email"
              type="email"
              autoComplete="email"
              required
              readOnly={withCode && step === 'code'}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </FormField>
        {withCode && step === 'code' && (
          <FormField id={`${id}-code`} label="6-digit code from the email" error={errors.code} errorTestId="code-error">
            {(c) => (
              <input
                {...c}
                ref={codeInput}
                name="code"
                type="text"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]*"
                maxLength={6}
                required
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\s+/g, ''))}
              />
            )}
          </FormField>
        )}
        {mode === 'admin' && (
          <FormField id={`${id}-password`} label="Password" error={errors.password}>
            {(c) => (
              <input
                {...c}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </FormField>
        )}
        <button type="submit" className="btn wide" disabled={busy}>
          {busy
            ? withCode && step === 'email'
              ? 'Sending…'
              : 'Signing in…'
            : withCode && step === 'email'
              ? 'Send code'
              : mode === 'shopper' && !withCode
                ? 'Continue'
                : 'Sign in'}
        </button>
        {withCode && step === 'code' && (
          <div className="row">
            <button type="button" className="btn small secondary" disabled={busy} onClick={() => void sendCode(true)}>
              Send a new code
            </button>
            <button type="button" className="btn small secondary" disabled={busy} onClick={() => reset({ step: 'email' })}>
              Use another email
            </button>
          </div>
        )}
        {mode === 'admin' && noAdminYet && (
          <p className="small" data-testid="no-admin-yet">
            No admin yet? Open the one-time setup link the server printed when it started, or run <code>npm run admin:create</code>.
          </p>
        )}
      </form>
    </div>
  );
}
