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
  // `npm run lint` is the lint gate (CI runs it before the tests); a build does not lint again.
  eslint: { ignoreDuringBuilds: true },
};

export default nextConfig;
