// MongoDB operations counted on the wire, for servers that do not answer serverStatus (the jongodb
// stand-in): a TCP relay in front of the server that reads the command name of each request (the
// first key of an OP_MSG body, or of a legacy OP_QUERY) and counts it. The app and the worker
// connect through it with their usual replica-set URI. The one change on the way: the server's
// own address in its answers (hello's hosts, primary, me) becomes the relay's, a string of the
// same length, so the driver's discovery keeps it on the relay and the BSON stays valid.
import { createServer, connect, type Server, type Socket } from 'node:net';

const OP_QUERY = 2004;
const OP_COMPRESSED = 2012;
const OP_MSG = 2013;

/** Connection handshake, monitoring and session chatter: not the application's operations. */
export const HOUSEKEEPING = new Set([
  'hello',
  'ismaster',
  'ping',
  'buildinfo',
  'saslstart',
  'saslcontinue',
  'endsessions',
  'getparameter',
  'killcursors',
]);

export interface MongoWireCounter {
  /** The URI to give the app and the worker (a direct connection through the relay). */
  uri: string;
  /** Requests seen so far, per command name (lower case). */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

/** First key of the BSON document at `at` (its name is the command). */
function firstKey(buf: Buffer, at: number): string | undefined {
  if (at + 5 > buf.length || buf[at + 4] === 0) return undefined;
  const nameStart = at + 5;
  const end = buf.indexOf(0, nameStart);
  return end < 0 ? undefined : buf.toString('utf8', nameStart, end);
}

/** The command name of one whole wire message, or undefined when it is not a request we can read. */
export function commandOf(msg: Buffer): string | undefined {
  if (msg.length < 21) return undefined;
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) {
    // flagBits (4 bytes), then sections; the kind-0 section is the command's body.
    for (let at = 20; at < msg.length;) {
      const kind = msg[at]!;
      if (kind === 0) return firstKey(msg, at + 1)?.toLowerCase();
      if (kind !== 1 || at + 5 > msg.length) return undefined;
      at += 1 + msg.readInt32LE(at + 1); // a document sequence: skip it
    }
    return undefined;
  }
  if (opCode === OP_QUERY) {
    // flags, fullCollectionName (cstring), numberToSkip, numberToReturn, then the query document.
    const nameEnd = msg.indexOf(0, 20);
    if (nameEnd < 0) return undefined;
    const key = firstKey(msg, nameEnd + 1 + 8);
    return (key === '$query' ? firstKey(msg, nameEnd + 1 + 8 + 4 + 1 + '$query'.length + 1) : key)?.toLowerCase();
  }
  if (opCode === OP_COMPRESSED) return '(compressed)';
  return undefined;
}

/** Splits a byte stream into wire messages (a message may span chunks) and hands each one on whole. */
function frames(onMessage: (msg: Buffer) => void, onGarbage: (rest: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const len = pending.readInt32LE(0);
      if (len < 16) {
        onGarbage(pending); // not a wire message: pass the rest through as it is
        pending = Buffer.alloc(0);
        return;
      }
      if (pending.length < len) break;
      onMessage(pending.subarray(0, len));
      pending = pending.subarray(len);
    }
  };
}

/** Replaces every occurrence of `from` by `to` (same length) in `buf`, in place. */
function replaceAll(buf: Buffer, from: Buffer, to: Buffer): void {
  for (let at = buf.indexOf(from); at >= 0; at = buf.indexOf(from, at + from.length)) to.copy(buf, at);
}

/** Host and port of a single-host mongodb:// URI, and the URI rewritten to go through `port`. */
export function relayUri(uri: string, relayPort: number): { host: string; port: number; uri: string } {
  const u = new URL(uri);
  if (u.protocol !== 'mongodb:' || u.host.includes(','))
    throw new Error(`the MongoDB counter needs a single-host mongodb:// URI, got ${uri}`);
  const host = u.hostname;
  const port = Number(u.port || 27017);
  u.host = `127.0.0.1:${relayPort}`;
  return { host, port, uri: u.toString() };
}

/** Listens on a free loopback port with as many digits as `digitsOf` (so addresses keep their length). */
async function listenSameWidth(server: Server, digitsOf: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as { port: number }).port;
    if (String(port).length === String(digitsOf).length) return port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  throw new Error(`no free port with ${String(digitsOf).length} digits for the MongoDB counter`);
}

export async function startMongoWireCounter(upstreamUri: string): Promise<MongoWireCounter> {
  const counts: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const upstreamPort = Number(new URL(upstreamUri).port || 27017);
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => {
        sockets.delete(s);
        (s === client ? upstream : client).end();
      });
    }
    const send = (to: Socket) => (buf: Buffer) => {
      if (!to.write(buf)) (to === upstream ? client : upstream).pause();
    };
    client.on('drain', () => upstream.resume());
    upstream.on('drain', () => client.resume());
    client.on(
      'data',
      frames((msg) => {
        const name = commandOf(msg);
        if (name) counts[name] = (counts[name] ?? 0) + 1;
        send(upstream)(msg);
      }, send(upstream)),
    );
    upstream.on(
      'data',
      frames((msg) => {
        const copy = Buffer.from(msg);
        for (const from of rewrite.from) replaceAll(copy, from, rewrite.to);
        send(client)(copy);
      }, send(client)),
    );
  });
  const relayPort = await listenSameWidth(server, upstreamPort);
  const target = relayUri(upstreamUri, relayPort);
  const me = Buffer.from(`127.0.0.1:${relayPort}`);
  // The server's replies name its address (hello, isMaster): the driver must see the relay's instead.
  const rewrite = {
    from: [`${target.host}:${target.port}`, `127.0.0.1:${target.port}`, `localhost:${target.port}`]
      .map((a) => Buffer.from(a))
      .filter((b) => b.length === me.length),
    to: me,
  };
  return {
    uri: target.uri,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** after - before, per command. */
export function countsDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]): [string, number] => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => v > 0),
  );
}
