'use client';
import { signIn } from 'next-auth/react';
import { useId, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { api } from '@/trpc/react';
import { ZAdminSignUpInput } from '@/server/users/users.schema';
import { errorInfo } from './errors';
import { FormField } from './form-field';

type Field = 'email' | 'password' | 'confirm';

/**
 * The first admin's account (the page only shows this with a valid setup link while no admin
 * exists; the server checks both again). `token` is the setup link's.
 */
export function SignUpForm({ token }: { token: string }) {
  const id = useId();
  const [values, setValues] = useState<Record<Field, string>>({ email: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const signUp = api.users.signUpFirstAdmin.useMutation();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    const parsed = ZAdminSignUpInput.safeParse({ email: values.email, password: values.password });
    const next: Partial<Record<Field, string>> = {};
    if (!parsed.success) {
      const fe = z.flattenError(parsed.error).fieldErrors;
      next.email = fe.email?.[0];
      next.password = fe.password?.[0];
    }
    if (values.confirm !== values.password) next.confirm = 'The passwords do not match';
    setErrors(next);
    if (!parsed.success || next.confirm) return;
    try {
      await signUp.mutateAsync({ ...parsed.data, token });
    } catch (err) {
      const info = errorInfo(err);
      setProblem(info.message);
      return;
    }
    setSigningIn(true);
    const res = await signIn('admin', { ...parsed.data, redirect: false, callbackUrl: '/admin' });
    if (!res?.ok) {
      setSigningIn(false);
      setProblem('Your account was created, but signing in failed: sign in from the sign-in page.');
      return;
    }
    window.location.assign('/admin');
  };

  const field = (name: Field, label: string, type: string, autoComplete: string) => (
    <FormField id={`${id}-${name}`} label={label} error={errors[name]}>
      {(control) => (
        <input
          {...control}
          name={name}
          type={type}
          autoComplete={autoComplete}
          required
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        />
      )}
    </FormField>
  );

  return (
    <form className="card stack" style={{ maxWidth: 460, margin: '0 auto' }} onSubmit={(e) => void submit(e)} noValidate>
      <h1>Create the first admin</h1>
      <p className="muted small">No admin exists yet. The account created here runs the sales; the setup link then stops working.</p>
      {problem && (
        <div className="notice bad" role="alert">
          {problem}
        </div>
      )}
      {field('email', 'Email', 'email', 'email')}
      {field('password', 'Password (at least 8 characters)', 'password', 'new-password')}
      {field('confirm', 'Repeat the password', 'password', 'new-password')}
      <button type="submit" className="btn wide" disabled={signUp.isPending || signingIn}>
        {signUp.isPending ? 'Creating…' : signingIn ? 'Signing in…' : 'Create admin account'}
      </button>
    </form>
  );
}
