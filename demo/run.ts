import { parseArgs } from 'node:util';
import { callAllHooks, demoUrls, startDemo } from './demo.js';
import { formatResult, formatSummary, terminalStyle } from './print-cards.js';

/**
 * `npm run demo [-- --port 3000 --fhir-port 8090 --once]`: starts the embedded FHIR server with the demo patients
 * and the service, calls every hook for every demo patient, prints the cards, then keeps running for the preview
 * page and the CDS Hooks sandbox (Ctrl-C to stop; --once exits after printing).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '3000' },
      'fhir-port': { type: 'string', default: process.env.DEMO_FHIR_PORT ?? '8090' },
      once: { type: 'boolean', default: false },
    },
  });
  const style = terminalStyle(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const demo = await startDemo({
    servicePort: Number(values.port),
    fhirPort: Number(values['fhir-port']),
    // The developer's environment applies (CDS_AUTH, CDS_TRUST_SANDBOX, store settings…), errors-only logging by default so the cards stay readable.
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    },
  });
  console.log(
    style.bold(`Demo FHIR R4 server: ${demo.fhir.base} (${demo.patients.length} synthetic patients)`),
  );
  console.log(style.bold(`CDS service:         ${demo.serviceUrl}/cds-services`));
  console.log(
    style.dim(
      'Calling every hook for every demo patient, without prefetch (the service reads the FHIR server)…\n',
    ),
  );

  const results = await callAllHooks(demo);
  for (const result of results) console.log(formatResult(result, style) + '\n');
  console.log(formatSummary(results, style));

  const urls = demoUrls(demo);
  console.log(`
${style.bold('Next:')}
  Card preview page:  ${urls.preview}
  CDS Hooks sandbox:  ${urls.sandbox}
    (change patient with the patientId parameter, e.g. demo-dmab-lapse; see docs/demo.md)
  Discovery:          ${urls.discovery}
  FHIR server:        ${urls.fhir}
`);
  if (values.once) {
    await demo.close();
    return;
  }
  console.log(style.dim('Running. Ctrl-C to stop.'));
  const stop = () => {
    demo.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`demo failed: ${message}`);
  if (/EADDRINUSE/.test(message))
    console.error('A port is taken: try npm run demo -- --port 3001 --fhir-port 8091');
  process.exit(1);
});
