/**
 * The `jti` replay record: an assertion id may be used once per issuer within its lifetime. Kept in the
 * database, so it survives restarts and is shared by every gateway instance. https://hl7.org/fhir/smart-app-launch/backend-services.html
 */
import type { SqlClient } from '../store/db.ts';

export interface ReplayGuard {
  /** Records the jti; false when it was already used by that issuer and has not expired. */
  claim(iss: string, jti: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Drops records past their expiry. */
  purge(now: Date): Promise<number>;
}

export function createReplayGuard(sql: SqlClient): ReplayGuard {
  return {
    async claim(iss, jti, expiresAt, now) {
      const rows = await sql.query(
        `insert into assertion_jti (iss, jti, expires_at) values ($1, $2, $3)
         on conflict (iss, jti) do update set expires_at = excluded.expires_at where assertion_jti.expires_at < $4
         returning jti`,
        [iss, jti, expiresAt.toISOString(), now.toISOString()],
      );
      return rows.length === 1;
    },
    async purge(now) {
      return (await sql.query('delete from assertion_jti where expires_at < $1 returning jti', [now.toISOString()])).length;
    },
  };
}
