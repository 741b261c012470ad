// Shared runner for `npm run dev` and `npm start`: services + app + worker in one terminal.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { servicesTable, startServices, type RunningServices } from '../services.js';
import { bold, cyan, describeError, dim, fail, say, yellow } from './log.js';
import { httpStatus, sleep } from './net.js';
import { localBin, repoRoot } from './paths.js';
import { liveProcesses, onShutdownSignal, spawnManaged, type ManagedProcess } from './proc.js';
import { takeTemporalOption } from './temporal-server.js';
import type { TemporalKind } from './types.js';
import { EnvError, parseEnv } from '../../src/env.js';

export interface RunAppOptions {
  mode: 'development' | 'production';
  temporal?: TemporalKind;
}

/** runApp with the command line's options (`--temporal=dev|postgres`); a bad argument exits with 2. */
export async function runAppFromArgs(mode: RunAppOptions['mode'], argv = process.argv.slice(2)): Promise<never> {
  let temporal: TemporalKind | undefined;
  try {
    const { kind, rest } = takeTemporalOption(argv);
    if (rest.length) throw new Error(`unknown argument(s): ${rest.join(' ')} (only --temporal=dev|postgres)`);
    temporal = kind;
  } catch (err) {
    fail(mode === 'production' ? 'start' : 'dev', err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  return runApp({ mode, temporal });
}

export async function runApp({ mode, temporal }: RunAppOptions): Promise<never> {
  const who = mode === 'production' ? 'start' : 'dev';
  if (mode === 'production' && !existsSync(join(repoRoot, '.next', 'BUILD_ID'))) {
    fail(who, 'no production build found (.next/BUILD_ID is missing): run npm run build first');
    process.exit(1);
  }
  if (mode === 'production') {
    // The app and the worker would refuse this environment (no strong secret, ...): say so before
    // starting any service.
    try {
      parseEnv({ ...process.env, NODE_ENV: 'production' });
    } catch (err) {
      if (!(err instanceof EnvError)) throw err;
      fail(who, err.message);
      process.exit(1);
    }
  }
  const tsx = localBin('tsx');
  if (!tsx) {
    fail(who, 'node_modules/.bin/tsx is missing: run npm install first');
    process.exit(1);
  }

  let services: RunningServices | undefined;
  const children: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      await Promise.all(children.map((c) => c.stop()));
      if (services) await services.stop();
      else await Promise.all(liveProcesses().map((p) => p.stop()));
    })());
  onShutdownSignal(async () => {
    await stopAll();
    return 0;
  });

  try {
    services = await startServices({ temporal });
  } catch (err) {
    fail(who, describeError(err));
    await stopAll();
    process.exit(1);
  }

  console.log(`\n${servicesTable(services.services)}\n`);

  const port = process.env.PORT || '3000';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...services.env,
    NODE_ENV: mode,
    PORT: port,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://localhost:${port}`,
  };
  if (process.stdout.isTTY && !process.env.NO_COLOR) env.FORCE_COLOR ??= '1';

  const appUrl = `http://localhost:${port}`;
  say(who, `starting app (tsx src/server.ts, NODE_ENV=${mode}, PORT=${port}) and worker (tsx temporal/worker.ts)`);
  try {
    children.push(
      await spawnManaged('app', tsx, ['src/server.ts'], {
        cwd: repoRoot,
        env,
        output: { kind: 'prefix', prefix: cyan('[app]') },
        stopTimeoutMs: 10_000,
      }),
    );
    children.push(
      await spawnManaged('worker', tsx, ['temporal/worker.ts'], {
        cwd: repoRoot,
        env,
        output: { kind: 'prefix', prefix: yellow('[worker]') },
        stopTimeoutMs: 20_000,
      }),
    );
  } catch (err) {
    fail(who, describeError(err));
    await stopAll();
    process.exit(1);
  }

  const urls = [
    `  app          ${appUrl}`,
    `  health page  ${appUrl}/health`,
    `  Temporal UI  ${services.env.TEMPORAL_UI_URL}`,
    ...(services.env.MAILPIT_URL ? [`  Mailpit      http://localhost:${new URL(services.env.MAILPIT_URL).port} (the sign-in codes)`] : []),
  ].join('\n');
  console.log(`\n${bold('URLs')}\n${urls}\n${dim('Ctrl-C stops everything.')}\n`);

  // Tell when the app answers (first request also warms up the dev compiler).
  void (async () => {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && !stopping) {
      const status = await httpStatus(`http://127.0.0.1:${port}/health`, 5000);
      if (status > 0) {
        if (!stopping) say(who, bold(`app is up: ${appUrl} (GET /health -> ${status})`));
        return;
      }
      await sleep(1000);
    }
  })();

  const reason = await Promise.race([
    ...children.map((c) => c.exited.then(() => `${c.name} ${c.describeExit()}`)),
    services.died.then((e) => e.describe()),
  ]);
  if (!stopping) {
    fail(who, `${reason}; stopping everything`);
    await stopAll();
    process.exit(1);
  }
  // A signal handler is already stopping everything and will exit.
  return new Promise<never>(() => {});
}
