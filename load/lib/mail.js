// Reading a shopper's sign-in code from Mailpit's API (https://mailpit.axllent.org/docs/api-v1/):
// what to ask and how to read the answers. No k6 imports, so node's tests run these too.

/** The search (GET /api/v1/search?query=...) for the mail to one address, newest first. */
export function mailSearchPath(email) {
  return `/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}&limit=5`;
}

/**
 * The newest message in a search answer sent to exactly `email` (Mailpit's `to:` matches a
 * substring, so another address containing this one could be listed too), or null.
 */
export function newestMailTo(search, email) {
  const want = String(email).toLowerCase();
  const messages = search && Array.isArray(search.messages) ? search.messages : [];
  for (const m of messages) {
    const to = Array.isArray(m.To) ? m.To : [];
    if (typeof m.ID === 'string' && to.some((a) => a && String(a.Address).toLowerCase() === want)) return m;
  }
  return null;
}

/** The six-digit code in a sign-in mail's text ("Your sign-in code is 123456"), or null. */
export function signInCodeIn(text) {
  const m = /\bcode is (\d{6})\b/.exec(String(text ?? ''));
  return m ? m[1] : null;
}
