import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/options';

// next-auth v4's App Router handler is typed loosely; it is a route handler for GET and POST.
const handler = NextAuth(authOptions) as (req: Request, ctx: unknown) => Promise<Response>;

export { handler as GET, handler as POST };
