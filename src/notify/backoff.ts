/**
 * When to try a failed delivery again: exponential backoff with jitter (base × 2^(attempt-1), capped, then
 * scaled by a random factor in [0.5, 1) so retries of many events spread out), kept up until the retry
 * horizon (default 72 h — not HAPI's one minute, SPECS.md pain point 1), then dead letter. A 429 "slow down"
 * (Da Vinci sender rules, SPECS.md §b1) waits for the receiver's Retry-After when it gives one, otherwise
 * twice the normal delay.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxDelayMs: number;
  horizonMs: number;
}

export type Retry = { retry: true; at: Date } | { retry: false };

/** The next attempt after failed attempt number `attempts` (1-based) of an event created at `createdAt`. */
export function nextAttempt(policy: BackoffPolicy, attempts: number, createdAt: Date, now: Date, options: { slowDown?: boolean; retryAfterMs?: number; random?: () => number } = {}): Retry {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** exponent);
  const jitter = 0.5 + 0.5 * (options.random ?? Math.random)();
  let delay = ceiling * jitter;
  if (options.slowDown) delay = options.retryAfterMs !== undefined ? Math.min(Math.max(options.retryAfterMs, delay), policy.maxDelayMs) : Math.min(delay * 2, policy.maxDelayMs);
  const at = new Date(now.getTime() + Math.max(1, Math.round(delay)));
  const deadline = createdAt.getTime() + policy.horizonMs;
  if (now.getTime() >= deadline) return { retry: false };
  return { retry: true, at: at.getTime() > deadline ? new Date(deadline) : at };
}
