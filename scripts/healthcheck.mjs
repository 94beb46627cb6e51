// Container HEALTHCHECK: asks this container's own /healthz. The slim Node image has no curl or wget, so this
// uses node:http. Exit 0 = healthy, 1 = unhealthy (what Docker expects). Reads PORT like the server does.
import { request } from 'node:http';
import process from 'node:process';

const port = Number(process.env.PORT ?? 3000);
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 3000);

const req = request(
  { host: '127.0.0.1', port, path: '/healthz', method: 'GET', timeout: timeoutMs },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
req.end();
