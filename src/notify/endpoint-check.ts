/**
 * The SSRF check of a Subscription's endpoint when it is written (RELIABILITY.md case 45, OWASP API7): the URL
 * policy (https; plain http only to loopback when NOTIFY_ALLOW_LOOPBACK; no credentials; no internal service
 * ports), and every address the name resolves to now must be allowed (private, loopback, link-local and
 * metadata ranges refused unless allow-listed). The same checks run again at every send against the address
 * actually connected to (channels/http-sender.ts), so a later DNS change does not get through either.
 */
import { GatewayError } from '../shared/errors.ts';
import { type OutboundPolicy, addressAllowed, checkUrl } from '../shared/outbound-policy.ts';
import type { HttpSender } from './channels/http-sender.ts';

/** Ports never called, whatever the scheme (the policy already refuses them for https). */
const SERVICE_PORTS = new Set([22, 23, 25, 53, 110, 143, 389, 445, 1433, 1521, 2375, 2379, 3306, 5432, 5672, 6379, 9200, 11211, 27017]);

/** Throws 422 NTF-ENDPOINT-REFUSED with the reason when the endpoint may not be called. */
export async function checkEndpoint(endpoint: string, policy: OutboundPolicy, sender: HttpSender): Promise<URL> {
  const refuse = (reason: string) => new GatewayError('NTF-ENDPOINT-REFUSED', 'unprocessable', `channel.endpoint refused: ${reason}`);
  if (endpoint.length > 2048) throw refuse('longer than 2048 characters');
  const verdict = checkUrl(endpoint, policy);
  if (!verdict.ok) throw refuse(verdict.reason);
  const url = verdict.url;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (SERVICE_PORTS.has(port)) throw refuse('port not allowed');
  if (url.hash) throw refuse('a fragment is not allowed');
  let addresses;
  try {
    addresses = await sender.resolve(url.hostname);
  } catch {
    throw refuse('the host name does not resolve');
  }
  if (addresses.length === 0) throw refuse('the host name does not resolve');
  if (addresses.some((a) => !addressAllowed(a.address, url.protocol, policy))) throw refuse('address not allowed');
  return url;
}
