/**
 * Bot defence: joining a sale costs a proof of work. The buyer's browser (the altcha widget) or
 * client fetches a challenge, finds the counter whose SHA-256 key matches its prefix (about
 * BOT_CHALLENGE_MAX_NUMBER x 3/4 hashes: a moment for a person, a real price for a bot with
 * a thousand addresses), and sends the solution with the buy. ALTCHA's protocol (altcha-lib, v2):
 * the challenge is signed with our HMAC key, carries its expiry, and verifying it is one hash.
 * A solution is good once: its challenge's nonce is remembered in Redis until the challenge expires.
 */
import { env } from '@/env';
import { randomInt } from 'node:crypto';
import { createChallenge, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import { powNonceKey } from '@/engine/keys';
import { DomainError } from '../errors';

export interface PowSettings {
  /** BOT_CHALLENGE=pow: a buy needs a solution. */
  enabled: boolean;
  hmacKey: string;
  maxNumber: number;
  expiresSec: number;
}

/** Where REST takes the solution (tRPC: the buy input's `altcha` field). */
export const POW_HEADER = 'x-altcha';

const ALGORITHM = 'SHA-256';

/** A fresh challenge: the counter to find is drawn from [max/2, max], so no challenge is cheap. */
export function createPowChallenge(s: PowSettings, nowMs = Date.now()): Promise<Challenge> {
  const low = Math.max(1, Math.floor(s.maxNumber / 2));
  return createChallenge({
    algorithm: ALGORITHM,
    cost: 1,
    counter: randomInt(low, s.maxNumber + 1),
    deriveKey,
    expiresAt: new Date(nowMs + s.expiresSec * 1000),
    hmacSignatureSecret: s.hmacKey,
  });
}

const ZPayload = z.object({
  challenge: z.object({
    parameters: z.looseObject({
      algorithm: z.literal(ALGORITHM),
      nonce: z.string().regex(/^[0-9a-f]{2,64}$/),
      expiresAt: z.number().optional(),
    }),
    signature: z.string().max(256),
  }),
  solution: z.object({ counter: z.number().int().nonnegative(), derivedKey: z.string().max(256) }),
});

const powError = (code: string, kind: 'BAD_REQUEST' | 'FORBIDDEN', message: string) => new DomainError(code, kind, message);
export const PowRequiredError = (field: string) =>
  powError(
    'BOT_CHALLENGE_REQUIRED',
    'BAD_REQUEST',
    `${field} is required: solve a proof-of-work challenge (GET /api/v1/challenge) and send its solution`,
  );
export const PowUnreadableError = (field: string) =>
  powError('BOT_CHALLENGE_INVALID', 'BAD_REQUEST', `${field} is not an ALTCHA solution (base64 JSON of challenge and solution)`);
export const PowFailedError = (field: string) =>
  powError('BOT_CHALLENGE_FAILED', 'FORBIDDEN', `${field}: the proof-of-work solution is wrong; solve a new challenge`);
export const PowExpiredError = (field: string) =>
  powError('BOT_CHALLENGE_EXPIRED', 'FORBIDDEN', `${field}: the challenge expired before it was used; solve a new one`);
export const PowUsedError = (field: string) =>
  powError('BOT_CHALLENGE_USED', 'FORBIDDEN', `${field}: this solution was already used (each one joins once); solve a new challenge`);

function decode(raw: string): z.infer<typeof ZPayload> | null {
  try {
    const parsed = ZPayload.safeParse(JSON.parse(Buffer.from(raw, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Refuses a buy without a good, unused solution when the defence is on: a 4xx naming `field` and
 * the problem (missing, unreadable, wrong, expired, used). Nothing else happens before this.
 */
export async function requirePowSolution(deps: { redis: Redis; pow: PowSettings }, raw: unknown, field: string): Promise<void> {
  if (!deps.pow.enabled) return;
  if (typeof raw !== 'string' || !raw.trim()) throw PowRequiredError(field);
  const payload = raw.length <= 4096 ? decode(raw.trim()) : null;
  if (!payload) throw PowUnreadableError(field);
  const { challenge, solution } = payload;
  // The signature covers every parameter, so anything we did not issue fails before any hashing.
  const result = await verifySolution({
    challenge: challenge as unknown as Challenge,
    solution,
    deriveKey,
    hmacSignatureSecret: deps.pow.hmacKey,
  }).catch(() => null);
  if (!result) throw PowFailedError(field);
  if (result.expired) throw PowExpiredError(field);
  if (!result.verified) throw PowFailedError(field);
  // Signed, so the nonce is ours and the expiry is the one we set: remember it until then.
  const expiresAtMs = (challenge.parameters.expiresAt ?? Date.now() / 1000 + deps.pow.expiresSec) * 1000;
  const fresh = await deps.redis.set(powNonceKey(challenge.parameters.nonce), '1', 'PXAT', Math.ceil(expiresAtMs) + 1000, 'NX');
  if (fresh !== 'OK') throw PowUsedError(field);
}

/** Bot defence (BOT_CHALLENGE*) from the environment: the proof of work a buy needs; tests build their own. */
export const powSettingsFromEnv = (): PowSettings => ({
  enabled: env.BOT_CHALLENGE === 'pow',
  hmacKey: env.BOT_CHALLENGE_HMAC_KEY,
  maxNumber: env.BOT_CHALLENGE_MAX_NUMBER,
  expiresSec: env.BOT_CHALLENGE_EXPIRES_SECONDS,
});
