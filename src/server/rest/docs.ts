/**
 * The API docs page (`/docs`, `<base>/docs`): Swagger UI (swagger-ui-dist) on the app's OpenAPI
 * document, every asset served by this server under `/docs/assets/`, started by a small
 * initializer file rather than an inline script so the Content-Security-Policy needs neither
 * 'unsafe-inline' scripts, 'unsafe-eval' nor another origin.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS_ASSETS_PATH = '/docs/assets';

/** Swagger UI styles its nodes through the DOM (allowed); icons are data: URIs in its CSS. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const here = dirname(fileURLToPath(import.meta.url));

/** The only files served under DOCS_ASSETS_PATH: name -> where it lives and its type. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: join(swaggerDir, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: join(swaggerDir, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: join(swaggerDir, 'favicon-32x32.png'), type: 'image/png' },
  'docs.css': { file: join(here, 'docs-assets', 'docs.css'), type: 'text/css; charset=utf-8' },
  'init.js': { file: join(here, 'docs-assets', 'init.js'), type: 'text/javascript; charset=utf-8' },
};

const loaded = new Map<string, Buffer>();

/** An asset's body and content type, or undefined for a name that is not one of ours. */
export function docsAsset(name: string): { body: Buffer; type: string } | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let body = loaded.get(name);
  if (!body) loaded.set(name, (body = readFileSync(asset.file)));
  return { body, type: asset.type };
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function docsPage(specUrl: string): string {
  const a = DOCS_ASSETS_PATH;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flash sale API</title>
<link rel="icon" type="image/png" href="${a}/favicon-32x32.png">
<link rel="stylesheet" href="${a}/swagger-ui.css">
<link rel="stylesheet" href="${a}/docs.css">
<script defer src="${a}/swagger-ui-bundle.js"></script>
<script defer src="${a}/init.js"></script>
</head>
<body>
<main id="swagger-ui" data-spec-url="${escapeAttr(specUrl)}">
<noscript><p>The API reference needs JavaScript. The OpenAPI document itself is at <a href="${escapeAttr(specUrl)}">${escapeAttr(specUrl)}</a>.</p></noscript>
</main>
</body>
</html>
`;
}
