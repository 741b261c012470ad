// Verified shoppers (the app runs with SHOPPER_AUTH=verified): a shopper signs in as a person
// does. POST /auth/shopper/code {email}; the code is read from the mail in Mailpit (MAILPIT_URL,
// its API: search for the newest mail to the address, polled with backoff until it is there,
// then its text); POST /auth/shopper/verify {email, code} gives the bearer token every shopper
// request then carries. Each mail is deleted once read, so Mailpit's searches (a scan of its
// messages) stay as cheap at the end of a run as at its start.
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import { backoffSleep, bodyOf, postJson } from './common.js';
import { mailSearchPath, newestMailTo, signInCodeIn } from './mail.js';

export const MAILPIT_URL = (__ENV.MAILPIT_URL || 'http://127.0.0.1:8025').replace(/\/$/, '');

// Mailpit's requests are the load generator's, not the app's: tagged apart (target:mailbox).
const mailboxTags = (name) => ({ name, target: 'mailbox' });

const tCodeRequest = new Trend('fs_t_code_request', true);
const tMailArrival = new Trend('fs_t_mail_arrival', true);
const tVerify = new Trend('fs_t_verify', true);
const tSignIn = new Trend('fs_t_sign_in', true);
const signIns = new Counter('fs_sign_ins');
const signInFailed = new Counter('fs_sign_in_failed');
const mailTimeouts = new Counter('fs_mail_timeouts');

/** Waits for the mail to `email`; returns { id, text, arrivedAt } or null after waitMs. */
function waitForMail(email, waitMs) {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const res = http.get(`${MAILPIT_URL}${mailSearchPath(email)}`, { tags: mailboxTags('mailbox_search') });
    const found = res.status === 200 ? newestMailTo(bodyOf(res), email) : null;
    if (found) {
      const arrivedAt = Date.now();
      const msg = http.get(`${MAILPIT_URL}/api/v1/message/${found.ID}`, { tags: mailboxTags('mailbox_read') });
      const text = msg.status === 200 ? (bodyOf(msg) || {}).Text : null;
      http.del(`${MAILPIT_URL}/api/v1/messages`, JSON.stringify({ IDs: [found.ID] }), {
        headers: { 'Content-Type': 'application/json' },
        tags: mailboxTags('mailbox_delete'),
      });
      return { id: found.ID, text, arrivedAt };
    }
    if (Date.now() >= deadline) return null;
    backoffSleep(attempt, 50, 1000);
  }
}

/**
 * Signs `email` in. Returns { token } or { rateLimited: seconds } (a 429 on either step) or
 * { failed: 'code' | 'mail' | 'verify' }. `tags(name)` tags the app's requests (the scenario's
 * time buckets).
 */
export function signInShopper(email, { tags, mailWaitMs = 30_000 }) {
  const t0 = Date.now();
  const code = postJson('/auth/shopper/code', { email }, { tags: tags('shopper_code') });
  if (code.status === 429) return { rateLimited: Number(code.headers['Retry-After'] || 1) };
  if (code.status !== 200) {
    signInFailed.add(1);
    return { failed: 'code' };
  }
  tCodeRequest.add(code.timings.duration);

  const mail = waitForMail(email, mailWaitMs);
  if (!mail) {
    mailTimeouts.add(1);
    signInFailed.add(1);
    return { failed: 'mail' };
  }
  tMailArrival.add(mail.arrivedAt - t0);
  const value = signInCodeIn(mail.text);
  if (!value) {
    signInFailed.add(1);
    return { failed: 'mail' };
  }

  const verify = postJson('/auth/shopper/verify', { email, code: value }, { tags: tags('shopper_verify') });
  if (verify.status === 429) return { rateLimited: Number(verify.headers['Retry-After'] || 1) };
  const token = verify.status === 200 ? (bodyOf(verify) || {}).token : null;
  if (!token) {
    signInFailed.add(1);
    return { failed: 'verify' };
  }
  tVerify.add(verify.timings.duration);
  tSignIn.add(Date.now() - t0);
  signIns.add(1);
  return { token };
}
