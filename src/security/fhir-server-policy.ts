import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/undici.js';
import type { FastifyBaseLogger } from 'fastify';
import { FhirFetchError } from '../protocol/fhir-client.js';
import { HttpProblem } from '../errors.js';
import type { CallerIdentity, FhirServerPolicy } from '../protocol/trust.js';
import { guardedLookup } from './guarded-lookup.js';
import { classifyAddress, isIpLiteral, type AddressClass } from './ip-ranges.js';
import type { TrustedIssuer } from './trusted-issuers.js';
import { isSameBase, isUnderBase } from '../protocol/urls.js';

export interface FhirServerPolicyOptions {
  issuers: TrustedIssuer[];
  /** Base URLs or origins; empty = no global list. */
  allowlist: string[];
  allowPrivateNetwork: boolean;
  allowHttpLoopback: boolean;
  /** Production: plain http to a server on the global allow-list (FHIR_ALLOW_HTTP_ALLOWLISTED). */
  allowHttpAllowlisted?: boolean;
  requireHttps: boolean;
  log: FastifyBaseLogger;
}

type Refusal =
  | 'scheme'
  | 'credentials-in-url'
  | 'https-required'
  | 'address-forbidden'
  | 'address-private'
  | 'not-issuer-fhir-server'
  | 'not-on-allowlist';

/**
 * Where the service may fetch FHIR data from (CDS Hooks requests name the server; the service must not become
 * a proxy into the network it runs in):
 * - with authentication on, the fhirServer must be one of the caller's issuer's FHIR bases;
 * - the optional global allow-list (FHIR_SERVER_ALLOWLIST) applies in every mode;
 * - https in production (plain http only to loopback when FHIR_ALLOW_HTTP_LOOPBACK=true, or to servers on the
 *   global allow-list when FHIR_ALLOW_HTTP_ALLOWLISTED=true);
 * - never link-local/metadata addresses; loopback and private ranges only when allowed; DNS answers are
 *   checked at connect time by the dispatcher.
 * The token is sent only to the fhirServer's origin and redirects never leave it: see FhirClient.
 */
export function createFhirServerPolicy(options: FhirServerPolicyOptions): FhirServerPolicy {
  const bases = new Map(options.issuers.map((i) => [i.iss, i.fhirServers.map((u) => new URL(u))]));
  const allowlist = options.allowlist.map((u) => new URL(u));

  const isAllowedClass = (cls: AddressClass): boolean =>
    cls === 'public' ||
    (cls === 'private' && options.allowPrivateNetwork) ||
    (cls === 'loopback' && (options.allowPrivateNetwork || options.allowHttpLoopback));

  /** The reason a URL may not be requested at all, whoever asked; undefined when it may. */
  const urlRefusal = (url: URL): Refusal | undefined => {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'scheme';
    if (url.username || url.password) return 'credentials-in-url';
    if (
      url.protocol === 'http:' &&
      options.requireHttps &&
      !(options.allowHttpLoopback && isLoopbackName(url.hostname)) &&
      !(options.allowHttpAllowlisted && allowlist.some((entry) => onAllowlist(url, entry)))
    ) {
      return 'https-required';
    }
    if (isIpLiteral(url.hostname)) {
      const cls = classifyAddress(url.hostname);
      if (!isAllowedClass(cls)) return cls === 'forbidden' ? 'address-forbidden' : 'address-private';
    }
    if (allowlist.length > 0 && !allowlist.some((entry) => onAllowlist(url, entry)))
      return 'not-on-allowlist';
    return undefined;
  };

  const refuse = (reason: Refusal, url: URL): void => {
    options.log.warn({ fhirServerRefused: reason, fhirHost: url.host }, 'fhirServer refused by policy');
  };

  // The connection pool with the guarded DNS lookup, made on the first outbound request.
  let agent: Promise<Dispatcher> | undefined;

  return {
    check(fhirServer: URL, caller: CallerIdentity | undefined) {
      let reason = urlRefusal(fhirServer);
      if (!reason && caller) {
        const issuerBases = bases.get(caller.issuer) ?? [];
        if (!issuerBases.some((base) => isSameBase(fhirServer, base))) reason = 'not-issuer-fhir-server';
      }
      if (reason) {
        refuse(reason, fhirServer);
        throw new HttpProblem(403, 'The fhirServer named in the request is not allowed for this client', {
          issueCode: 'forbidden',
          expression: ['fhirServer'],
        });
      }
    },
    checkUrl(url: URL) {
      const reason = urlRefusal(url);
      if (reason) {
        refuse(reason, url);
        throw new FhirFetchError('forbidden-url', 'URL refused by the outbound policy');
      }
    },
    getDispatcher() {
      agent ??= loadUndici().then(
        ({ Agent }) =>
          new Agent({
            connect: {
              // A `localhost` name may be admitted as loopback (plain http with FHIR_ALLOW_HTTP_LOOPBACK), so
              // it must also resolve to loopback: a resolver answering `x.localhost` with a public address gets
              // nothing.
              lookup: guardedLookup(connectAllowed(isAllowedClass), (hostname, cls) =>
                options.log.warn(
                  { fhirServerRefused: `dns-${cls}`, fhirHost: hostname },
                  'fhirServer refused by policy',
                ),
              ),
            },
          }),
      );
      return agent;
    },
    async close() {
      if (agent) await (await agent).close();
    },
  };
}

/** Connect-time rule: the policy's address classes, and names under `localhost` only ever to loopback. */
export function connectAllowed(isAllowedClass: (cls: AddressClass) => boolean) {
  return (cls: AddressClass, hostname: string): boolean =>
    isLocalhostName(hostname) ? cls === 'loopback' && isAllowedClass(cls) : isAllowedClass(cls);
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function isLoopbackName(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  return isIpLiteral(hostname) && classifyAddress(hostname) === 'loopback';
}

/** An allow-list entry without a path (an origin) admits the whole origin; with a path, that base and below. */
function onAllowlist(url: URL, entry: URL): boolean {
  if (entry.pathname === '/' || entry.pathname === '') return url.origin === entry.origin;
  return isUnderBase(url, entry);
}
