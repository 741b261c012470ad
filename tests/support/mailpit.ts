/**
 * The mail the app sent, read from Mailpit's API (the SMTP server `npm test` starts or reuses:
 * scripts/lib/mailpit.ts). Every test mails its own unique addresses, so runs sharing the server
 * do not see each other's mail.
 */
export const MAILPIT_URL = (process.env.MAILPIT_URL || 'http://127.0.0.1:8025').replace(/\/$/, '');

export interface Mail {
  id: string;
  from: string;
  subject: string;
  text: string;
}

interface Summary {
  ID: string;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${MAILPIT_URL}/api/v1${path}`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`Mailpit ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** How many mails `to` has received. */
export async function mailCount(to: string): Promise<number> {
  const r = await api<{ messages_count: number }>(`/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=1`);
  return r.messages_count;
}

/** The newest mail to `to`, once it has received more than `seen` mails. */
export async function waitForMail(to: string, seen = 0, timeoutMs = 15_000): Promise<Mail & { count: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api<{ messages_count: number; messages: Summary[] }>(`/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=1`);
    if (r.messages_count > seen && r.messages[0]) {
      const m = await api<{ ID: string; From: { Address: string }; Subject: string; Text: string }>(`/message/${r.messages[0].ID}`);
      return { id: m.ID, from: m.From.Address, subject: m.Subject, text: m.Text, count: r.messages_count };
    }
    if (Date.now() > deadline)
      throw new Error(`no new mail to ${to} within ${timeoutMs} ms (it had ${r.messages_count}, ${seen} seen before)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The six-digit sign-in code in a mail's text. */
export function codeIn(mail: Mail): string {
  const m = /code is (\d{6})\b/.exec(mail.text);
  if (!m) throw new Error(`no sign-in code in the mail "${mail.subject}":\n${mail.text}`);
  return m[1]!;
}
