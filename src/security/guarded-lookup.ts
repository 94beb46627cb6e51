import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { classifyAddress, type AddressClass } from './ip-ranges.js';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export class AddressRefused extends Error {
  override name = 'AddressRefused';
  readonly code = 'EADDRREFUSED_BY_POLICY';
}

/**
 * A `lookup` for net/tls connections that resolves the name and refuses it when ANY answer is an address the
 * policy does not allow. Checking at connect time (not only when the request arrives) closes the DNS-rebinding
 * gap: the address that is checked is the address that is connected to.
 */
export function guardedLookup(
  isAllowed: (cls: AddressClass, hostname: string) => boolean,
  onRefused: (hostname: string, cls: AddressClass) => void,
  resolve: typeof dnsLookup = dnsLookup,
) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const cls = classifyAddress(a.address);
        if (!isAllowed(cls, hostname)) {
          onRefused(hostname, cls);
          return callback(new AddressRefused(`address of ${hostname} is not allowed`), []);
        }
      }
      if (list.length === 0) return callback(new AddressRefused(`no address for ${hostname}`), []);
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
