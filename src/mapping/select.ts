/**
 * Choosing the message definition for a message by MSH-9.1 (message code) and MSH-9.2 (trigger event),
 * HL7 v2.5.1 ch. 2 §2.14.9.9. The message structure (MSH-9.3) is not used: ADT^A40 arrives as ADT_A39 too.
 */
import type { Hl7Message } from '../ingest/hl7v2/index.ts';
import { GatewayError } from '../shared/errors.ts';
import type { MessageDefinition } from './model.ts';
import type { Registry } from './registry.ts';

function safeCode(text: string): string {
  return /^[A-Z0-9]{1,3}$/.test(text) ? text : '?';
}

/**
 * The definition for the message's type and trigger.
 * @throws GatewayError `MAP-UNSUPPORTED-EVENT` (category invalid) when there is none
 */
export function selectDefinition(registry: Registry, message: Hl7Message): MessageDefinition {
  const { messageCode, triggerEvent } = message.header;
  const definition = registry.definitions.get(`${messageCode}^${triggerEvent}`);
  if (definition === undefined) {
    throw new GatewayError('MAP-UNSUPPORTED-EVENT', 'invalid', `No mapping for message type ${safeCode(messageCode)}^${safeCode(triggerEvent)}`, {
      issues: [{ severity: 'error', code: 'not-supported', diagnostics: 'Unsupported message type or trigger event', location: ['MSH-9'] }],
    });
  }
  return definition;
}
