/**
 * Writes the demo SMART clients: demo/clients.json (registrations with public keys) and one private JWK per
 * client in demo/keys/ — DEMO ONLY, committed on purpose so `npm run token` works out of the box; never
 * register these keys anywhere real. Run: `npx tsx scripts/generate-demo-clients.ts` (replaces the keys).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';

interface DemoClient {
  client_id: string;
  name: string;
  organization_id: string;
  organization_kind: string;
  alg: 'ES384' | 'RS384';
  scope: string;
  purposes: string[];
  default_purpose: string;
  break_glass: boolean;
}

const READ_ALL = 'system/*.rs';
const CLIENTS: DemoClient[] = [
  { client_id: 'north-riverside-pas', name: 'North Riverside Hospital PAS', organization_id: 'org-north-hospital', organization_kind: 'hospital', alg: 'RS384', scope: 'system/*.cruds', purposes: ['TREAT', 'ETREAT'], default_purpose: 'TREAT', break_glass: true },
  { client_id: 'southvale-pas', name: 'Southvale General Hospital PAS', organization_id: 'org-southvale-hospital', organization_kind: 'hospital', alg: 'ES384', scope: 'system/*.cruds', purposes: ['TREAT', 'ETREAT'], default_purpose: 'TREAT', break_glass: true },
  { client_id: 'riverside-medical-centre', name: 'Riverside Medical Centre clinical system', organization_id: 'org-gp-riverside-medical-centre', organization_kind: 'gp-practice', alg: 'ES384', scope: `${READ_ALL} system/Task.cruds system/Communication.cruds system/Consent.cruds system/Subscription.cruds system/Encounter.cruds`, purposes: ['TREAT', 'ETREAT', 'CAREMGT'], default_purpose: 'TREAT', break_glass: true },
  { client_id: 'castle-street-surgery', name: 'Castle Street Surgery clinical system', organization_id: 'org-gp-castle-street-surgery', organization_kind: 'gp-practice', alg: 'RS384', scope: `${READ_ALL} system/Task.cruds system/Communication.cruds system/Consent.cruds system/Subscription.cruds system/Encounter.cruds`, purposes: ['TREAT', 'ETREAT', 'CAREMGT'], default_purpose: 'TREAT', break_glass: true },
  { client_id: 'millbrook-health-centre', name: 'Millbrook Health Centre clinical system', organization_id: 'org-gp-millbrook-health-centre', organization_kind: 'gp-practice', alg: 'ES384', scope: `${READ_ALL} system/Task.cruds system/Communication.cruds system/Consent.cruds system/Subscription.cruds system/Encounter.cruds`, purposes: ['TREAT', 'ETREAT', 'CAREMGT'], default_purpose: 'TREAT', break_glass: true },
  { client_id: 'riverside-social-care', name: 'Riverside Adult Social Care case system', organization_id: 'org-riverside-council-social-care', organization_kind: 'social-care', alg: 'RS384', scope: `${READ_ALL} system/CarePlan.cruds system/ServiceRequest.cruds system/Observation.cruds system/Flag.cruds`, purposes: ['TREAT', 'CAREMGT'], default_purpose: 'CAREMGT', break_glass: false },
  { client_id: 'riverside-aco', name: 'Riverside Care Partnership (ACO) analytics', organization_id: 'org-riverside-aco', organization_kind: 'aco', alg: 'ES384', scope: `${READ_ALL} system/Group.cruds system/Subscription.cruds system/MeasureReport.rs`, purposes: ['CAREMGT', 'TREAT', 'HPAYMT', 'HOPERAT'], default_purpose: 'CAREMGT', break_glass: false },
  { client_id: 'riverside-care-team', name: 'Riverside Integrated Care Team', organization_id: 'org-riverside-integrated-care-team', organization_kind: 'care-team', alg: 'RS384', scope: `${READ_ALL} system/Task.cruds system/Subscription.cruds`, purposes: ['TREAT', 'CAREMGT'], default_purpose: 'CAREMGT', break_glass: false },
  { client_id: 'carebridge-admin', name: 'Gateway administrator', organization_id: 'org-riverside-aco', organization_kind: 'aco', alg: 'ES384', scope: 'carebridge/admin system/AuditEvent.rs', purposes: ['HOPERAT'], default_purpose: 'HOPERAT', break_glass: false },
];

const demoDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'demo');
const registrations = [];
for (const client of CLIENTS) {
  const { publicKey, privateKey } = await generateKeyPair(client.alg, { extractable: true });
  const kid = `${client.client_id}-1`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: client.alg, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: client.alg };
  fs.writeFileSync(path.join(demoDir, 'keys', `${client.client_id}.private.jwk.json`), `${JSON.stringify({ demo_only: 'DEMO KEY - never use outside the demo', ...privateJwk }, null, 2)}\n`);
  const { alg: _alg, ...registration } = client;
  registrations.push({ ...registration, jwks: { keys: [publicJwk] } });
}
fs.writeFileSync(path.join(demoDir, 'clients.json'), `${JSON.stringify(registrations, null, 2)}\n`);
console.log(`wrote ${registrations.length} demo clients and their DEMO-ONLY private keys`);
