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
 * The IPv4 addresses an IPv6 address may deliver to through a translator or a tunnel (issue 11: these decode to
 * the IPv4 rules):
 * - `translator` forms: NAT64 with the well-known prefix 64:ff9b::/96 (RFC 6052), the local-use prefix
 *   64:ff9b:1::/48 (RFC 8215; the operator chooses a prefix length of 48, 56, 64 or 96, so every RFC 6052 layout
 *   whose reserved bits are zero is a candidate), and IPv4-translated ::ffff:0:V4 (SIIT);
 * - `tunnel` forms: 6to4 (2002:V4::/48), Teredo (2001::/32: server in bits 32–63, client obfuscated in bits
 *   96–127) and ISATAP (interface id 0:5efe:V4, with or without the u/g bits), which reach a relay or router
 *   chosen by the network rather than the embedded host itself.
 */
function embeddedIpv4(groups: number[]): { kind: 'translator' | 'tunnel'; addresses: string[] } | undefined {
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const g = groups;
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6))
    return { kind: 'translator', addresses: [v4(g[6]!, g[7]!)] };
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) {
    // RFC 6052 §2.2 layouts; bits 64–71 (the high byte of group 4) are reserved and zero except in /96.
    const addresses = [v4(g[6]!, g[7]!)];
    const u = g[4]! >> 8;
    if (u === 0 && g[6] === 0 && g[7] === 0 && (g[5]! & 0xff) === 0)
      addresses.push(v4(g[3]!, ((g[4]! & 0xff) << 8) | (g[5]! >> 8))); // /48
    if (u === 0 && g[6] === 0 && g[7] === 0)
      addresses.push(v4(((g[3]! & 0xff) << 8) | (g[4]! & 0xff), g[5]!)); // /56
    if (u === 0 && g[7] === 0 && (g[6]! & 0xff) === 0)
      addresses.push(v4(((g[4]! & 0xff) << 8) | (g[5]! >> 8), ((g[5]! & 0xff) << 8) | (g[6]! >> 8))); // /64
    return { kind: 'translator', addresses };
  }
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0)
    return { kind: 'translator', addresses: [v4(g[6]!, g[7]!)] };
  if (g[0] === 0x2002) return { kind: 'tunnel', addresses: [v4(g[1]!, g[2]!)] };
  if (g[0] === 0x2001 && g[1] === 0)
    return { kind: 'tunnel', addresses: [v4(g[2]!, g[3]!), v4(g[6]! ^ 0xffff, g[7]! ^ 0xffff)] };
  if ((g[4]! & 0xfcff) === 0 && g[5] === 0x5efe) return { kind: 'tunnel', addresses: [v4(g[6]!, g[7]!)] };
  return undefined;
}

/** The class of an IPv6 address that embeds IPv4 addresses: the strictest of theirs, never looser than `private` for a tunnel. */
function embeddedClass(embedded: { kind: 'translator' | 'tunnel'; addresses: string[] }): AddressClass {
  const classes = embedded.addresses.map((a) => classifyAddress(a));
  if (classes.includes('forbidden')) return 'forbidden';
  // Loopback of a translator or relay is not this machine: private, never admitted by FHIR_ALLOW_HTTP_LOOPBACK.
  if (embedded.kind === 'tunnel' || classes.some((c) => c !== 'public')) return 'private';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tail allowed), or undefined. */
function expandIpv6(address: string): number[] | undefined {
  const zone = address.indexOf('%');
  let text = (zone === -1 ? address : address.slice(0, zone)).toLowerCase();
  // Anchored at `:` so the match cannot restart at every digit (an address is short anyway: isIP checked it).
  const dotted = /:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
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
    const groups = expandIpv6(bare);
    const embedded = groups && embeddedIpv4(groups);
    if (embedded) return embeddedClass(embedded);
  }
  if (privateRanges.check(bare, type)) return 'private';
  return 'public';
}

/** True when a URL hostname is an IP literal (IPv6 literals come bracketed from the URL parser). */
export function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}
