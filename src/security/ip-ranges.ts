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
    ['192.0.2.0', 24], // documentation (TEST-NET-1..3)
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
    ['100.100.100.200', 32], // Alibaba Cloud metadata
  ],
  [
    ['::', 128],
    ['::', 96], // deprecated IPv4-compatible addresses
    ['100::', 64], // discard-only
    ['2001:db8::', 32], // documentation
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
    ['2001::', 32], // Teredo: a tunnel to an address hidden in the low bits
  ],
);

/**
 * IPv6 forms that carry an IPv4 address a translator or tunnel may deliver to: NAT64 (64:ff9b::/96), 6to4
 * (2002:V4::/48) and IPv4-translated (::ffff:0:V4). They are at least `private`, and `forbidden` when the embedded
 * address is (64:ff9b::a9fe:a9fe reaches 169.254.169.254 through a NAT64 gateway).
 */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6]!, groups[7]!);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tail allowed), or undefined. */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text =
      text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return 'forbidden';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Loopback first: ::1 also lies in the deprecated ::/96 block.
  if (loopback.check(bare, type)) return 'loopback';
  if (forbidden.check(bare, type)) return 'forbidden';
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== undefined) return forbidden.check(v4, 'ipv4') ? 'forbidden' : 'private';
  }
  if (privateRanges.check(bare, type)) return 'private';
  return 'public';
}

/** True when a URL hostname is an IP literal (IPv6 literals come bracketed from the URL parser). */
export function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}
