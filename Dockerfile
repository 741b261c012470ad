# syntax=docker/dockerfile:1
# Flash-sale app + Temporal worker image (one image, two commands; see docker-compose.yml).
#   docker build -t flash-sale .
#   app:    docker run -p 3000:3000 -e NEXTAUTH_SECRET=... -e BOT_CHALLENGE_HMAC_KEY=... flash-sale   (node_modules/.bin/tsx src/server.ts)
#   worker: docker run -e NEXTAUTH_SECRET=... -e BOT_CHALLENGE_HMAC_KEY=... flash-sale node_modules/.bin/tsx temporal/worker.ts
# Both refuse to start without secrets of their own (openssl rand -base64 32; BOT_CHALLENGE=off
# needs no challenge key); the build needs none.

# ---- deps: full install (dev dependencies are needed by `next build`)
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: production build of the Next.js app, then drop dev dependencies
FROM deps AS build
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /app ./
USER node
EXPOSE 3000
# The custom server (not `next start`) serves the app; the worker uses the same image.
CMD ["node_modules/.bin/tsx", "src/server.ts"]
