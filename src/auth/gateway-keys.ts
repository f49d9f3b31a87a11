/**
 * The gateway's own signing key for access tokens (ES384). Generated once and kept in the database so every
 * instance signs and verifies with the same key; the public half is published at `GET /auth/jwks`.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, type JWK, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { SqlClient } from '../store/db.ts';

export const TOKEN_ALG = 'ES384';

export interface GatewayKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwks: { keys: JWK[] };
}

interface KeyRow {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
}

export async function loadGatewayKeys(sql: SqlClient): Promise<GatewayKeys> {
  let row = (await sql.query<KeyRow>('select kid, private_jwk, public_jwk from signing_key order by created_at, kid limit 1'))[0];
  if (!row) {
    const pair = await generateKeyPair(TOKEN_ALG, { extractable: true });
    const kid = randomUUID();
    const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: TOKEN_ALG };
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: TOKEN_ALG, use: 'sig' };
    await sql.query(
      'insert into signing_key (kid, alg, private_jwk, public_jwk) values ($1, $2, $3::jsonb, $4::jsonb) on conflict do nothing',
      [kid, TOKEN_ALG, JSON.stringify(privateJwk), JSON.stringify(publicJwk)],
    );
    // Another instance may have won the race: use whatever is first in the table.
    row = (await sql.query<KeyRow>('select kid, private_jwk, public_jwk from signing_key order by created_at, kid limit 1'))[0] as KeyRow;
  }
  return {
    kid: row.kid,
    privateKey: (await importJWK(row.private_jwk, TOKEN_ALG)) as CryptoKey,
    publicKey: (await importJWK(row.public_jwk, TOKEN_ALG)) as CryptoKey,
    publicJwks: { keys: [row.public_jwk] },
  };
}
