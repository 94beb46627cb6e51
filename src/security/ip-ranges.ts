import { BlockList, isIP } from 'node:net';

/**
 * Classifies the IP addresses the service might connect to for a fhirServer.
 * - `forbidden`: never reachable, whatever the configuration: link-local (169.254/16 holds the cloud metadata
 *   endpoint 169.254.169.254, fe80::/10), known metadata addresses, unspecified, multicast, broadcast, reserved.
 * - `loopback`: this machine (127/8, ::1).
 * - `private`: private and shared ranges (RFC 1918, CGNAT, ULA, and IPv6 forms that embed an IPv4 address).
 * - `public`: anything else.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are matched against the IPv4 ranges by node's BlockList.
 */
export type AddressClass = 'public' | 'private' | 'loopback' | 'forbidden';

function blockList(v4: [string, number][], v6: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

const forbidden = blockList(
  [
    ['0.0.0.0', 8],
    ['169.254.0.0', 16],
    ['192.0.0.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
    ['100.100.100.200', 32], // Alibaba Cloud metadata
  ],
  [
    ['::', 128],
    ['::', 96], // deprecated IPv4-compatible addresses
    ['fe80::', 10],
    ['ff00::', 8],
    ['fd00:ec2::254', 128], // AWS IPv6 metadata
  ],
);

const loopback = blockList([['127.0.0.0', 8]], [['::1', 128]]);

const privateRanges = blockList(
  [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
    ['198.18.0.0', 15],
  ],
  [
    ['fc00::', 7],
    ['fec0::', 10],
    ['64:ff9b::', 96],
    ['64:ff9b:1::', 48],
    ['2002::', 16],
  ],
);

export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return 'forbidden';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Loopback first: ::1 also lies in the deprecated ::/96 block.
  if (loopback.check(bare, type)) return 'loopback';
  if (forbidden.check(bare, type)) return 'forbidden';
  if (privateRanges.check(bare, type)) return 'private';
  return 'public';
}

/** True when a URL hostname is an IP literal (IPv6 literals come bracketed from the URL parser). */
export function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}
