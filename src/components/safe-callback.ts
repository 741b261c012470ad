/** Only same-site paths may be returned to after sign-in (no open redirects). */
export function safeCallback(raw: string | null | undefined, fallback: string): string {
  if (!raw) return fallback;
  try {
    const u = new URL(raw, 'http://same.invalid');
    if (u.origin !== 'http://same.invalid' && typeof window !== 'undefined' && u.origin !== window.location.origin) return fallback;
    const path = `${u.pathname}${u.search}${u.hash}`;
    return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
  } catch {
    return fallback;
  }
}
