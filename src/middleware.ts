/**
 * Guards /admin/**: anonymous visitors go to the sign-in page (and come back afterwards),
 * signed-in shoppers get the refusal page with a 403. Admin procedures check the role again.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { env } from '@/env';
import { sessionFromClaims } from '@/server/auth/session';

export async function middleware(req: NextRequest) {
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
  matcher: ['/admin', '/admin/:path*'],
  // Node.js runtime: the guard shares src/env.ts and the session code with the rest of the server.
  runtime: 'nodejs',
};
