/**
 * Prints an access token for a demo client, for trying the API with curl:
 *   npm run token -- --client riverside-medical-centre [--scope "system/*.rs"] [--purpose TREAT] [--url http://localhost:8080]
 *   curl -H "Authorization: Bearer $(npm run -s token -- --client riverside-aco)" http://localhost:8080/fhir/Patient
 */
import { parseArgs } from 'node:util';
import { demoClients, demoToken } from './demo-token.ts';

const { values } = parseArgs({
  options: {
    client: { type: 'string' },
    scope: { type: 'string' },
    purpose: { type: 'string' },
    url: { type: 'string', default: process.env.BASE_URL ?? `http://localhost:${process.env.PORT ?? 8080}` },
    json: { type: 'boolean', default: false },
  },
});
if (!values.client) {
  console.error(`usage: npm run token -- --client <id> [--scope ...] [--purpose CODE]\ndemo clients: ${demoClients().map((c) => c.client_id).join(', ')}`);
  process.exit(2);
}
const { token, response } = await demoToken(values.url, values.client, { ...(values.scope ? { scope: values.scope } : {}), ...(values.purpose ? { purpose: values.purpose } : {}) });
console.log(values.json ? JSON.stringify(response, null, 2) : token);
