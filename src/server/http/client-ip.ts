/**
 * Who is calling, as far as the app can tell: the one place the client address and the scheme are
 * worked out. The socket's peer is the client unless TRUST_PROXY names the proxies in front of the
 * app; only then do X-Forwarded-For / X-Forwarded-Proto count (proxy-addr, as Express does it), so
 * a header sent by anyone cannot pick a rate-limit bucket.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';
import { env, type TrustProxy } from '@/env';

export type TrustFn = (addr: string, hop: number) => boolean;

/**
 * Server components cannot see the socket: the app's request handler hands them the client
 * address in this request header, always overwriting whatever the client sent.
 */
export const CLIENT_IP_HEADER = 'x-flash-sale-client-ip';

/** The trust function for a TRUST_PROXY setting (hop 0 is the socket's peer). */
export function compileTrust(setting: TrustProxy): TrustFn {
  if (!setting) return () => false;
  if ('hops' in setting) return (_addr, hop) => hop < setting.hops;
  return proxyaddr.compile(setting.addresses);
}

let envTrust: TrustFn | undefined;
const defaultTrust = () => (envTrust ??= compileTrust(env.TRUST_PROXY));

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
const plain = (addr: string) => (addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr);

/** The client's address: the socket's peer, or the first address a trusted proxy vouches for. */
export function clientIp(req: IncomingMessage, trust: TrustFn = defaultTrust()): string {
  if (!req.socket?.remoteAddress) return 'unknown';
  return plain(proxyaddr(req, trust));
}

/** Whether the client reached us over https: our own TLS, or a trusted proxy saying so. */
export function isHttps(req: IncomingMessage, trust: TrustFn = defaultTrust()): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted) return true;
  const peer = req.socket?.remoteAddress;
  if (!peer || !trust(peer, 0)) return false;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
