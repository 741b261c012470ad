// npm start: services (reused or started) + Next.js app (production build) + Temporal worker.
// Needs `npm run build` first.
import { runApp } from './lib/app.js';

await runApp({ mode: 'production' });
