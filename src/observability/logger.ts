import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * The one logger of the service and its operator commands: pino with its redaction and serializers, built here
 * and handed to Fastify as `loggerInstance` (src/server-options.ts); scripts/report.ts and scripts/migrate.ts use
 * the same factory. Never PHI, tokens or full bodies: the request log line is built from known-safe fields
 * (plugins/app/request-log.ts), and the paths below are removed from any log object as a second line of defence.
 */

/** Paths pino removes from any log object: tokens, bodies, PHI-bearing fields. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'access_token',
  '*.access_token',
  'fhirAuthorization',
  '*.fhirAuthorization',
  'prefetch',
  '*.prefetch',
  'context',
  '*.context',
  'body',
  '*.body',
  'patientId',
  '*.patientId',
  'userComment',
  '*.userComment',
  'token',
  '*.token',
];

/** Requests are logged by our own one-line plugin; pino's request and reply serializers keep id/method/status only. */
const logSerializers = {
  req: (req: { id: string; method: string }) => ({ id: req.id, method: req.method }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

export interface LoggerSettings {
  /** LOG_LEVEL. */
  logLevel: string;
  /** PRETTY_LOGS: human-readable lines through pino-pretty (a development dependency). */
  prettyLogs: boolean;
}

export interface LoggerTarget {
  /** Where the lines go: a file descriptor (1 stdout, the default; 2 stderr) or a stream (tests capture lines). */
  destination?: 1 | 2 | DestinationStream;
}

export function createLogger(settings: LoggerSettings, target: LoggerTarget = {}): Logger {
  const destination = target.destination ?? 1;
  const options: LoggerOptions = {
    level: settings.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: logSerializers,
  };
  if (settings.prettyLogs && typeof destination === 'number') {
    assertPrettyAvailable();
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination } } });
  }
  return pino(options, typeof destination === 'number' ? pino.destination(destination) : destination);
}

/** pino-pretty is a development dependency: the production image has none, so say so instead of a stack trace. */
function assertPrettyAvailable(): void {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    throw new Error(
      'PRETTY_LOGS=true needs pino-pretty, a development dependency (npm install); production installs have none: leave PRETTY_LOGS off there',
    );
  }
}
