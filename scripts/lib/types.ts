import type { ManagedProcess } from './proc.js';

export interface ServiceContext {
  /** Start fresh, in-memory state for what we start ourselves (tests). */
  ephemeral?: boolean;
  /** Health-check timeout override (ms). */
  timeoutMs?: number;
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
