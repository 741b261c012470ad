/**
 * The altcha widget's proof-of-work worker (SHA-256), served from this origin: the widget's default
 * build starts its workers from blob: URLs, which the Content-Security-Policy (script-src 'self')
 * refuses, so the page loads the external build and registers this file (src/components/purchase/
 * bot-check.tsx). Read once from the installed package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let body: Buffer | undefined;

export function GET() {
  body ??= readFileSync(join(process.cwd(), 'node_modules/altcha/dist/workers/sha.js'));
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  });
}
