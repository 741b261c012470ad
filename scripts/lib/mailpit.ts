// Mail: the SMTP server the sign-in codes go to. SMTP_URL, when set, is used as it is (a
// provider in production: it must answer). Otherwise (or when SMTP_URL is smtp://127.0.0.1:1025,
// e.g. a production build tried on one machine) Mailpit on 127.0.0.1: reused when its SMTP
// port 1025 and its UI / API on 8025 answer, else started from the binary in the tool cache
// (built with `go install` the first time). Tests read the mail through its API
// (http://127.0.0.1:8025/api/v1/...). A load run starts one of its own on other ports
// (startPrivateMailpit), so its thousands of mails stay out of everyone else's inbox.
import { join } from 'node:path';
import { ServiceError, say } from './log.js';
import { tcpOpen, waitFor } from './net.js';
import { dataDir, ensureDir, logsDir, rel, repoRoot } from './paths.js';
import { spawnManaged, type ManagedProcess } from './proc.js';
import { ensureTool, ToolMissingError } from './provision.js';
import { redact } from './redis.js';
import { MAILPIT } from './tools.js';
import type { ServiceContext, ServiceHandle } from './types.js';

const HOST = '127.0.0.1';
export const MAILPIT_SMTP_PORT = 1025;
export const MAILPIT_HTTP_PORT = 8025;
const SMTP_URL = `smtp://${HOST}:${MAILPIT_SMTP_PORT}`;
const API_URL = `http://${HOST}:${MAILPIT_HTTP_PORT}`;
/** Where the UI is shown to people. */
const UI_URL = `http://localhost:${MAILPIT_HTTP_PORT}`;

/** "Mailpit v1.27.11" (a `go install` build says only "Mailpit"). */
const named = (version: string) => `Mailpit${version === 'dev' ? '' : ` ${version}`}`;

/** Mailpit's version, if a Mailpit answers at `apiUrl`. */
export async function mailpitVersion(apiUrl = API_URL): Promise<string | undefined> {
  try {
    const res = await fetch(`${apiUrl}/api/v1/info`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    const info = (await res.json()) as { Version?: unknown };
    return typeof info.Version === 'string' ? info.Version : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an SMTP_URL names the local Mailpit (then it is started when it does not answer). */
function isLocalMailpit(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'smtp:' && ['127.0.0.1', 'localhost'].includes(u.hostname) && u.port === String(MAILPIT_SMTP_PORT) && !u.username;
  } catch {
    return false;
  }
}

export async function startMailpit(ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'mail';
  const fromEnv = process.env.SMTP_URL?.trim();
  if (fromEnv && !isLocalMailpit(fromEnv)) {
    let target: URL;
    try {
      target = new URL(fromEnv);
    } catch {
      throw new ServiceError(name, `SMTP_URL is not a URL: ${redact(fromEnv)}`);
    }
    const port = Number(target.port || (target.protocol === 'smtps:' ? 465 : 587));
    if (!(await tcpOpen(target.hostname.replace(/^\[|\]$/g, ''), port, 3000))) {
      throw new ServiceError(name, `SMTP_URL ${redact(fromEnv)} does not answer; fix it, or unset it to use a local Mailpit`);
    }
    say(name, `reusing SMTP_URL ${redact(fromEnv)}`);
    return { name, status: 'reused', address: redact(fromEnv), note: 'SMTP_URL', env: { SMTP_URL: fromEnv }, stop: async () => {} };
  }

  const env = { SMTP_URL, MAILPIT_URL: API_URL };
  const [smtpOpen, httpOpen] = await Promise.all([tcpOpen(HOST, MAILPIT_SMTP_PORT), tcpOpen(HOST, MAILPIT_HTTP_PORT)]);
  if (smtpOpen || httpOpen) {
    const version = httpOpen ? await mailpitVersion() : undefined;
    if (smtpOpen && version) {
      say(name, `reusing ${named(version)} (SMTP ${HOST}:${MAILPIT_SMTP_PORT}, UI ${UI_URL})`);
      return { name, status: 'reused', address: SMTP_URL, note: `${named(version)}; UI ${UI_URL}`, env, stop: async () => {} };
    }
    throw new ServiceError(
      name,
      `port ${smtpOpen && !version ? `${MAILPIT_HTTP_PORT} does not answer as Mailpit` : `${smtpOpen ? MAILPIT_HTTP_PORT : MAILPIT_SMTP_PORT} is taken by another program`}` +
        `; free ports ${MAILPIT_SMTP_PORT} and ${MAILPIT_HTTP_PORT}, or set SMTP_URL to an SMTP server`,
    );
  }

  const logFile = join(ensureDir(logsDir), 'mailpit.log');
  // Tests: a throwaway database (Mailpit deletes it on exit); development keeps the mail in .data/.
  const dbFile = ctx.ephemeral ? undefined : join(ensureDir(join(dataDir, 'mailpit')), 'mailpit.db');
  say(
    name,
    `starting Mailpit: SMTP ${HOST}:${MAILPIT_SMTP_PORT}, UI and API ${UI_URL} (${dbFile ? `mail in ${rel(dbFile)}` : 'mail kept until it stops'}, log ${rel(logFile)})`,
  );
  const started = await spawnMailpit(name, {
    smtpPort: MAILPIT_SMTP_PORT,
    httpPort: MAILPIT_HTTP_PORT,
    logFile,
    dbFile,
    timeoutMs: ctx.timeoutMs,
  });
  say(name, `ready: ${named(started.version)} at ${SMTP_URL} (pid ${started.proc.pid}; UI ${UI_URL})`);
  return {
    name,
    status: 'started',
    address: SMTP_URL,
    note: `${named(started.version)}; UI ${UI_URL}`,
    env,
    proc: started.proc,
    logFile,
    stop: () => started.proc.stop(),
  };
}

export interface MailpitProcess {
  proc: ManagedProcess;
  version: string;
  /** smtp://127.0.0.1:<smtp port> */
  smtpUrl: string;
  /** http://127.0.0.1:<http port>: the UI and the API (/api/v1/...). */
  apiUrl: string;
}

/** Mailpit from the tool cache on the given ports, once its SMTP port and API answer. */
async function spawnMailpit(
  name: string,
  o: { smtpPort: number; httpPort: number; logFile: string; dbFile?: string; extraArgs?: string[]; timeoutMs?: number },
): Promise<MailpitProcess> {
  const bin = await ensureTool(MAILPIT).catch((err: unknown) => {
    throw err instanceof ToolMissingError ? new ServiceError(name, err.message, err.logTail) : err;
  });
  const apiUrl = `http://${HOST}:${o.httpPort}`;
  const args = [
    '--smtp',
    `${HOST}:${o.smtpPort}`,
    '--listen',
    `${HOST}:${o.httpPort}`,
    '--disable-version-check',
    '--smtp-disable-rdns',
    ...(o.extraArgs ?? []),
  ];
  if (o.dbFile) args.push('--database', o.dbFile);
  const proc = await spawnManaged(name, bin, args, { cwd: repoRoot, output: { kind: 'file', path: o.logFile }, stopTimeoutMs: 10_000 });
  const ready = await waitFor(async () => (await tcpOpen(HOST, o.smtpPort)) && (await mailpitVersion(apiUrl)), {
    timeoutMs: o.timeoutMs ?? 30_000,
    abort: () => (proc.running ? undefined : `mailpit ${proc.describeExit()}`),
  });
  if (!ready.ok) {
    const tail = proc.logTail();
    await proc.stop();
    throw new ServiceError(name, `Mailpit did not become ready: ${ready.reason}`, tail);
  }
  return { proc, version: ready.value, smtpUrl: `smtp://${HOST}:${o.smtpPort}`, apiUrl };
}

/**
 * A Mailpit of one's own on the given ports (a load run's: the shared one on 1025/8025 serves
 * other people's tests), with a throwaway database and no pruning (`--max 0`: whoever sends the
 * mail reads and deletes it, and a message must not vanish before it is read).
 */
export async function startPrivateMailpit(o: {
  smtpPort: number;
  httpPort: number;
  logFile: string;
}): Promise<MailpitProcess & { describe: string }> {
  const m = await spawnMailpit('mail', { ...o, extraArgs: ['--max', '0'] });
  return { ...m, describe: `${named(m.version)}, SMTP ${m.smtpUrl}, API ${m.apiUrl}` };
}
