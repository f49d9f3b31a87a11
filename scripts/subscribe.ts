/**
 * A demo subscriber: listens for notifications on a local port, subscribes a demo client to a topic for the
 * patients on its organization's roster, prints each notification as it arrives, and ends the subscription
 * on Ctrl-C. The gateway must allow loopback http endpoints (NOTIFY_ALLOW_LOOPBACK=true; demo only):
 *   NOTIFY_ALLOW_LOOPBACK=true npm start
 *   npm run subscribe -- --client riverside-medical-centre [--topic encounter-discharge] [--port 9090] [--content full-resource]
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import type { Bundle, Parameters, ParametersParameter, Subscription } from 'fhir/r4.js';
import { demoToken } from './demo-token.ts';

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

const { values } = parseArgs({
  options: {
    client: { type: 'string', default: 'riverside-medical-centre' },
    topic: { type: 'string', default: 'encounter-discharge' },
    port: { type: 'string', default: '9090' },
    content: { type: 'string', default: 'full-resource' },
    url: { type: 'string', default: process.env.BASE_URL ?? `http://localhost:${process.env.PORT ?? 8080}` },
  },
});
const base = values.url.replace(/\/+$/, '');
const { token, organizationId } = await demoToken(base, values.client);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    res.writeHead(200).end();
    try {
      describe(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle);
    } catch {
      console.log(`received ${chunks.length > 0 ? 'a body that is not JSON' : 'an empty request'}`);
    }
  });
});
await new Promise<void>((resolve) => receiver.listen(Number(values.port), '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${values.port}/notifications`;

const subscription: Subscription = {
  resourceType: 'Subscription',
  status: 'requested',
  reason: `Demo: ${values.topic} for ${values.client}`,
  criteria: `${base}/fhir/SubscriptionTopic/${values.topic}`,
  _criteria: { extension: [{ url: `${BACKPORT}/backport-filter-criteria`, valueString: `_in=Group/roster-${organizationId}` }] },
  channel: {
    type: 'rest-hook',
    endpoint,
    payload: 'application/fhir+json',
    _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: values.content }] },
    extension: [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 60 }],
  },
};
const created = await fetch(`${base}/fhir/Subscription`, { method: 'POST', headers, body: JSON.stringify(subscription) });
const body = (await created.json()) as Subscription;
if (created.status !== 201) {
  console.error(`subscription refused (${created.status}): ${JSON.stringify(body)}`);
  process.exit(1);
}
console.log(`Subscription/${body.id} to ${values.topic} for the patients of Group/roster-${organizationId}; listening on ${endpoint} (Ctrl-C ends it)`);

process.on('SIGINT', () => {
  void fetch(`${base}/fhir/Subscription/${body.id}`, { method: 'DELETE', headers })
    .then((r) => console.log(`\nSubscription/${body.id} deleted (${r.status})`))
    .finally(() => process.exit(0));
});

function describe(bundle: Bundle): void {
  const status = bundle.entry?.[0]?.resource as Parameters | undefined;
  const param = (name: string, from: ParametersParameter[] = status?.parameter ?? []) => from.find((p) => p.name === name);
  const type = param('type')?.valueCode ?? 'unknown';
  const events = (status?.parameter ?? []).filter((p) => p.name === 'notification-event');
  if (events.length === 0) {
    console.log(`${new Date().toISOString()} ${type}`);
    return;
  }
  for (const event of events) {
    const number = param('event-number', event.part)?.valueString;
    const focus = param('focus', event.part)?.valueReference?.reference;
    console.log(`${new Date().toISOString()} ${type} #${number}: ${focus ?? '(no focus)'}`);
  }
  for (const entry of bundle.entry?.slice(1) ?? []) {
    const resource = entry.resource;
    if (resource) console.log(`    ${resource.resourceType}/${resource.id}${entry.request ? ` (${entry.request.method})` : ''}`);
  }
}
