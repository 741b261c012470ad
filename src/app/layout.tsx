import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/trpc/react';
import { getSession } from '@/trpc/server';
import { SiteHeader } from '@/components/site-header';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Flash Sale', template: '%s · Flash Sale' },
  description: 'Limited stock, first come first served: join the queue, hold a unit, pay.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#5b3cc4',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <TRPCReactProvider>
          <SiteHeader session={session} />
          <main id="main">{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
