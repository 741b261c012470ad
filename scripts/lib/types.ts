import type { ManagedProcess } from './proc.js';

/** Which Temporal server to start when none answers: the CLI's dev server (SQLite) or the real server on PostgreSQL. */
export type TemporalKind = 'dev' | 'postgres';
export const TEMPORAL_KINDS: readonly TemporalKind[] = ['dev', 'postgres'];

export interface ServiceContext {
  /** Start fresh, in-memory state for what we start ourselves (tests). */
  ephemeral?: boolean;
  /** Health-check timeout override (ms). */
  timeoutMs?: number;
  /** Temporal server kind (default: dev). */
  temporal?: TemporalKind;
}

export interface ServiceHandle {
  name: string;
  status: 'reused' | 'started';
  /** What to show in the table. */
  address: string;
  note?: string;
  env: Record<string, string>;
  proc?: ManagedProcess;
  logFile?: string;
  stop: () => Promise<void>;
}
