/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native / server-only packages are loaded by Node at run time, never bundled by Next.
  serverExternalPackages: [
    '@temporalio/client',
    '@temporalio/common',
    '@temporalio/worker',
    '@temporalio/workflow',
    '@temporalio/core-bridge',
    'ioredis',
    'mongoose',
    'prom-client',
  ],
  typescript: { tsconfigPath: './tsconfig.json' },
};

export default nextConfig;
