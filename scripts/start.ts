// npm start: services (reused or started) + Next.js app (production build) + Temporal worker.
// Needs `npm run build` first.
//   npm start -- --temporal=postgres   the real Temporal server on PostgreSQL instead of the dev server
import { runAppFromArgs } from './lib/app.js';

await runAppFromArgs('production');
