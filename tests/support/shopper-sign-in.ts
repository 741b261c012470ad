/**
 * A shopper signed in through the real REST flow: the code is requested, read from the mail in
 * Mailpit and exchanged for a bearer token. (Tests about something else may use
 * `issueToken(shopper(email))` instead: the token the verify endpoint issues, made the same way.)
 */
import { codeIn, mailCount, waitForMail } from './mailpit';

async function post(base: string, path: string, body: unknown): Promise<{ status: number; json: { token?: string } | undefined }> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as { token?: string } | undefined };
}

/** Asks for a code by REST and returns the one that arrived by mail. */
export async function requestCode(base: string, email: string): Promise<string> {
  const seen = await mailCount(email);
  const sent = await post(base, '/auth/shopper/code', { email });
  if (sent.status !== 200) throw new Error(`code request for ${email}: HTTP ${sent.status} ${JSON.stringify(sent.json)}`);
  return codeIn(await waitForMail(email, seen));
}

/** The bearer token of a shopper signed in with the emailed code. */
export async function signInShopper(base: string, email: string): Promise<string> {
  const code = await requestCode(base, email);
  const verified = await post(base, '/auth/shopper/verify', { email, code });
  if (verified.status !== 200) throw new Error(`verify for ${email}: HTTP ${verified.status} ${JSON.stringify(verified.json)}`);
  const token = verified.json?.token;
  if (!token) throw new Error(`verify for ${email}: no token in ${JSON.stringify(verified.json)}`);
  return token;
}
