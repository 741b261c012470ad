// npm run dev: services (reused or started) + Next.js app (development) + Temporal worker.
import { runApp } from './lib/app.js';

await runApp({ mode: 'development' });
