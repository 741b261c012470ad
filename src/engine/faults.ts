/**
 * Fault points for crash tests: when the process was started with FAULT_POINT=<name> (test-only,
 * read by src/env.ts), the step of that name announces itself on stdout and never returns, so the
 * test can SIGKILL the real process exactly there. Without it, a fault point costs a comparison.
 */
import type { EngineConfig } from './config';

export async function faultPoint(config: Pick<EngineConfig, 'faultPoint'>, name: string): Promise<void> {
  if (config.faultPoint !== name) return;
  console.log(`[fault] ${name} reached (pid ${process.pid})`);
  await new Promise<never>(() => {});
}
