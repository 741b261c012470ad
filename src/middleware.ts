/**
 * Guards /admin/**: anonymous visitors go to the sign-in page (and come back afterwards),
 * signed-in shoppers get the refusal page with a 403. Admin procedures check the role again.
 * Guards /signup: without the one-time setup token the page is served as a 403 (it explains).
 */
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { env } from '@/env';
import { sessionFromClaims } from '@/server/auth/session';
import { isSetupTokenValid } from '@/server/users/setup-token';

export async function middleware(req: NextRequest) {
  if (req.nextUrl.pathname === '/signup') {
    if (isSetupTokenValid(req.nextUrl.searchParams.get('token'))) return NextResponse.next();
    return NextResponse.rewrite(req.nextUrl, { status: 403 });
  }
  const session = sessionFromClaims(await getToken({ req, secret: env.NEXTAUTH_SECRET }).catch(() => null));
  if (!session) {
    const signIn = new URL('/signin', req.nextUrl.origin);
    signIn.searchParams.set('as', 'admin');
    signIn.searchParams.set('callbackUrl', `${req.nextUrl.pathname}${req.nextUrl.search}`);
    return NextResponse.redirect(signIn);
  }
  if (session.role !== 'admin') {
    return NextResponse.rewrite(new URL('/forbidden', req.nextUrl.origin), { status: 403 });
  }
  return NextResponse.next();
}

export const config = {
  matcher: ['/admin', '/admin/:path*', '/signup'],
  // Node.js runtime: the guard shares src/env.ts, the session code and the setup token with the server.
  runtime: 'nodejs',
};
