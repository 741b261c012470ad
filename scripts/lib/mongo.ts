// MongoDB: MONGODB_URI if set (external), else reuse 127.0.0.1:27017 if a Mongo answers there,
// else start `mongod` as a single-node replica set if it is installed, else the jongodb
// stand-in (wire-compatible, in-memory) from node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ServiceError, say, tailFile, warn } from './log.js';
import { tcpOpen, waitFor } from './net.js';
import { dataDir, ensureDir, logsDir, rel, repoRoot, which } from './paths.js';
import { spawnManaged } from './proc.js';
import type { ServiceContext, ServiceHandle } from './types.js';

export const DB_NAME = 'flash_sale_db';
const HOST = '127.0.0.1';
const PORT = 27017;
const REPLSET = 'rs0';
const JONGODB_PACKAGE = '@jongodb/memory-server-bin-linux-x64-gnu';

type MongoKind = 'mongod' | 'jongodb' | 'external';

interface MongoInfo {
  setName?: string;
  isWritablePrimary: boolean;
  version?: string;
  jongodb: boolean;
}

/** Connects, pings, and reads hello/buildInfo. Throws if nothing Mongo-like answers. */
export async function mongoInfo(uri: string, timeoutMs = 3000): Promise<MongoInfo> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs * 2,
    maxPoolSize: 1,
  });
  try {
    await client.connect();
    const admin = client.db('admin');
    await admin.command({ ping: 1 });
    const hello = await admin.command({ hello: 1 });
    const build = await admin.command({ buildInfo: 1 }).catch(() => undefined);
    return {
      setName: typeof hello.setName === 'string' ? hello.setName : undefined,
      isWritablePrimary: !!(hello.isWritablePrimary ?? hello.ismaster),
      version: typeof build?.version === 'string' ? build.version : undefined,
      jongodb: build?.gitVersion === 'jongodb' || /jongodb/i.test(String(build?.version ?? '')),
    };
  } finally {
    await client.close(true).catch(() => {});
  }
}

function localUri(setName: string | undefined): string {
  return setName
    ? `mongodb://${HOST}:${PORT}/${DB_NAME}?replicaSet=${encodeURIComponent(setName)}`
    : `mongodb://${HOST}:${PORT}/${DB_NAME}?directConnection=true`;
}

function handle(status: 'reused' | 'started', uri: string, kind: MongoKind, extra: Partial<ServiceHandle> = {}): ServiceHandle {
  return {
    name: 'mongo',
    status,
    address: redactUri(uri),
    note: kind,
    env: { MONGODB_URI: uri, MONGO_KIND: kind },
    stop: async () => {},
    ...extra,
  };
}

export async function startMongo(ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'mongo';
  const fromEnv = process.env.MONGODB_URI?.trim();
  if (fromEnv) {
    let info: MongoInfo;
    try {
      info = await mongoInfo(fromEnv, 10_000);
    } catch (e) {
      throw new ServiceError(
        name,
        `MONGODB_URI ${redactUri(fromEnv)} does not answer a ping: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    say(
      name,
      `using MONGODB_URI ${redactUri(fromEnv)} (${info.jongodb ? 'jongodb' : `MongoDB ${info.version ?? '?'}`}${info.setName ? `, replica set ${info.setName}` : ''})`,
    );
    if (!info.setName) warn(name, 'MONGODB_URI is not a replica set: multi-document transactions will fail');
    say(name, 'MONGO_KIND=external');
    return handle('reused', fromEnv, 'external');
  }

  if (await tcpOpen(HOST, PORT)) {
    let info: MongoInfo | undefined;
    let lastErr = '';
    const ok = await waitFor(
      async () =>
        (info = await mongoInfo(`mongodb://${HOST}:${PORT}/`, 2000).catch((e: unknown) => {
          lastErr = e instanceof Error ? e.message : String(e);
          return undefined;
        })),
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    if (!ok.ok || !info) {
      throw new ServiceError(
        name,
        `port ${PORT} on ${HOST} is taken by something that does not answer a Mongo ping (${lastErr || (ok.ok ? 'no answer' : ok.reason)}); free the port or set MONGODB_URI`,
      );
    }
    const kind: MongoKind = info.jongodb ? 'jongodb' : 'mongod';
    const uri = localUri(info.setName);
    say(
      name,
      `reusing ${HOST}:${PORT} (${kind === 'jongodb' ? 'jongodb stand-in, wire-compatible, in-memory' : `MongoDB ${info.version ?? ''}`.trim()}${info.setName ? `, replica set ${info.setName}` : ''}) as ${redactUri(uri)}`,
    );
    if (!info.setName) warn(name, `the server on ${PORT} is not a replica set: multi-document transactions will fail`);
    say(name, `MONGO_KIND=${kind}`);
    return handle('reused', uri, kind);
  }

  const mongod = which('mongod');
  return mongod ? startMongod(mongod, ctx) : startJongodb(ctx);
}

async function startMongod(bin: string, ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'mongo';
  const dbpath = ensureDir(join(dataDir, 'mongo'));
  const logFile = join(ensureDir(logsDir), 'mongo.log');
  say(name, `starting ${bin} on ${HOST}:${PORT} as replica set ${REPLSET} (data in ${rel(dbpath)}, log ${rel(logFile)})`);
  const proc = await spawnManaged(name, bin, ['--replSet', REPLSET, '--bind_ip', HOST, '--port', String(PORT), '--dbpath', dbpath], {
    output: { kind: 'file', path: logFile },
    stopTimeoutMs: 20_000,
  });
  const fail = async (msg: string): Promise<never> => {
    const tail = proc.logTail();
    await proc.stop();
    throw new ServiceError(name, msg, tail);
  };
  const abort = () => (proc.running ? undefined : `mongod ${proc.describeExit()}`);
  const timeoutMs = ctx.timeoutMs ?? 60_000;
  const direct = `mongodb://${HOST}:${PORT}/?directConnection=true`;
  const up = await waitFor(() => mongoInfo(direct, 1500), { timeoutMs, intervalMs: 500, abort });
  if (!up.ok) return fail(`mongod did not answer: ${up.reason}`);

  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(direct, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    const admin = client.db('admin');
    try {
      await admin.command({ replSetGetStatus: 1 });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 94 /* NotYetInitialized */) throw e;
      say(name, `initiating replica set ${REPLSET}`);
      await admin.command({ replSetInitiate: { _id: REPLSET, members: [{ _id: 0, host: `${HOST}:${PORT}` }] } });
    }
    const primary = await waitFor(async () => (await admin.command({ hello: 1 })).isWritablePrimary === true, {
      timeoutMs,
      intervalMs: 500,
      abort,
    });
    if (!primary.ok) return fail(`replica set ${REPLSET} has no primary: ${primary.reason}`);
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    return fail(`cannot initiate replica set ${REPLSET}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await client.close(true).catch(() => {});
  }
  const uri = localUri(REPLSET);
  say(name, `ready at ${uri} (pid ${proc.pid})`);
  say(name, 'MONGO_KIND=mongod');
  return handle('started', uri, 'mongod', { proc, logFile, stop: () => proc.stop() });
}

function jongodbBinary(): string | undefined {
  try {
    const req = createRequire(join(repoRoot, 'package.json'));
    const bin = join(dirname(req.resolve(`${JONGODB_PACKAGE}/package.json`)), 'bin', 'jongodb');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

async function startJongodb(ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'mongo';
  const bin = jongodbBinary();
  if (!bin) {
    throw new ServiceError(
      name,
      `no MongoDB to use: MONGODB_URI is not set, nothing answers on ${HOST}:${PORT}, mongod is not installed, ` +
        `and the jongodb stand-in (${JONGODB_PACKAGE}, linux x64 glibc only) is not in node_modules (run npm install)`,
    );
  }
  const logFile = join(ensureDir(logsDir), 'mongo.log');
  say(name, `jongodb stand-in (wire-compatible, in-memory) at ${HOST}:${PORT}, replica set ${REPLSET} (log ${rel(logFile)})`);
  const proc = await spawnManaged(
    name,
    bin,
    [`--host=${HOST}`, `--port=${PORT}`, '--topology-profile=singleNodeReplicaSet', `--replica-set-name=${REPLSET}`],
    { output: { kind: 'file', path: logFile }, stopTimeoutMs: 5000 },
  );
  const fail = async (msg: string): Promise<never> => {
    const tail = proc.logTail();
    await proc.stop();
    throw new ServiceError(name, msg, tail);
  };
  const abort = () => (proc.running ? undefined : `jongodb ${proc.describeExit()}`);
  const timeoutMs = ctx.timeoutMs ?? 30_000;
  let failure: string | undefined;
  const printed = await waitFor(
    async () => {
      const out = tailFile(logFile, 200, proc.logOffset);
      failure = /JONGODB_START_FAILURE=(.*)/.exec(out)?.[1];
      if (failure) return undefined;
      return /JONGODB_URI=(\S+)/.exec(out)?.[1];
    },
    { timeoutMs, intervalMs: 100, abort: () => (failure ? `start failure: ${failure}` : abort()) },
  );
  if (!printed.ok) return fail(`jongodb did not start: ${printed.reason}`);
  const uri = withDatabase(printed.value, DB_NAME);
  const ping = await waitFor(() => mongoInfo(uri, 1500), { timeoutMs, intervalMs: 300, abort });
  if (!ping.ok) return fail(`jongodb does not answer a ping at ${uri}: ${ping.reason}`);
  say(name, `ready at ${uri} (pid ${proc.pid})`);
  say(name, 'MONGO_KIND=jongodb');
  return handle('started', uri, 'jongodb', { proc, logFile, stop: () => proc.stop(), note: 'jongodb, in-memory' });
}

/** mongodb://h:p/test?x=y -> mongodb://h:p/<db>?x=y */
export function withDatabase(uri: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!m) return uri;
  return `${m[1]}/${db}${m[3] ?? ''}`;
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
