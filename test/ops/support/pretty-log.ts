// Run by test/ops/pretty-logs.test.ts in a child process: one line through the service logger with PRETTY_LOGS.
import { createLogger } from '../../../src/observability/logger.js';

const log = createLogger({ logLevel: 'info', prettyLogs: true });
log.info({ access_token: process.argv[2], serviceId: 'osteoporosis-patient-view' }, 'pretty line');
