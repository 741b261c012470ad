// npm run dev: services (reused or started) + Next.js app (development) + Temporal worker.
//   npm run dev -- --temporal=postgres   the real Temporal server on PostgreSQL instead of the dev server
import { runAppFromArgs } from './lib/app.js';

await runAppFromArgs('development');
