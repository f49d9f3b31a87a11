/**
 * The one HTTP error middleware: every error becomes an OperationOutcome with the status from the error
 * table. Body-parser failures are mapped to their FHIR meaning; nothing internal (stack, SQL, patient data,
 * the submitted body) reaches the client. Faults are logged with their cause; client errors at debug level.
 */
import type { NextFunction, Request, Response } from 'express';
import { GatewayError, toGatewayError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import { outcomeFromError } from '../../shared/outcome.ts';
import { FHIR_JSON } from './format.ts';

interface BodyParserError {
  type?: string;
  status?: number;
}

export function createErrorHandler(logger: Logger, metrics: Metrics) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const failure = fromBodyParser(error) ?? toGatewayError(error);
    const interaction = (res.locals.interaction as string | undefined) ?? 'unknown';
    metrics.httpErrors.inc({ interaction, code: failure.code });
    const log = { requestId: res.locals.requestId, method: req.method, interaction, code: failure.code, status: failure.status };
    if (failure.status >= 500) logger.error({ ...log, err: failure.cause ?? failure }, 'request failed');
    else logger.debug(log, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(failure.status);
    for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', FHIR_JSON);
    res.send(JSON.stringify(outcomeFromError(failure)));
  };
}

function fromBodyParser(error: unknown): GatewayError | undefined {
  const type = (error as BodyParserError | undefined)?.type;
  switch (type) {
    case 'entity.too.large':
      return new GatewayError('API-TOO-LARGE', 'too-large', 'The request body is larger than the server accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GatewayError('API-MEDIA-TYPE', 'unsupported-media-type', 'The request body encoding is not supported');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'entity.verify.failed':
    case 'stream.encoding.set':
      return new GatewayError('API-BAD-BODY', 'invalid', 'The request body could not be read');
    default:
      return undefined;
  }
}
