// IPv4 subnets: parsing "a.b.c.d/n", overlap, the gateway (first host), and carving free /24s out of
// the pool for `docker network create` without --subnet. Pure functions over numbers.

export interface Subnet {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
  text: string;
}

export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses "10.88.0.0/16"; host bits set ("10.88.0.1/16") are an error, as Docker says too. */
export function parseSubnet(text: string): Subnet | { error: string } {
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  const address = match ? parseIPv4(match[1]!) : undefined;
  const prefix = match ? Number(match[2]) : NaN;
  if (address === undefined || !(prefix >= 8 && prefix <= 30)) return { error: `"${text}" is not an IPv4 subnet in CIDR form with a prefix from /8 to /30 (e.g. 10.89.0.0/24)` };
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return { error: `"${text}" has host bits set; the subnet would be ${formatIPv4(address - (address % size))}/${prefix}` };
  return { base: address, prefix, text };
}

export function sizeOf(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefix);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + sizeOf(b) && b.base < a.base + sizeOf(a);
}

export function contains(subnet: Subnet, address: number): boolean {
  return address >= subnet.base && address < subnet.base + sizeOf(subnet);
}

/** Docker's default gateway: the first host address. */
export function defaultGateway(subnet: Subnet): string {
  return formatIPv4(subnet.base + 1);
}

/** The first /24 of `pool` that overlaps none of `taken`. */
export function allocateSubnet(pool: Subnet, taken: Subnet[], prefix = 24): Subnet | undefined {
  const size = 2 ** (32 - prefix);
  for (let base = pool.base; base + size <= pool.base + sizeOf(pool); base += size) {
    const candidate: Subnet = { base, prefix, text: `${formatIPv4(base)}/${prefix}` };
    if (!taken.some((subnet) => overlaps(subnet, candidate))) return candidate;
  }
  return undefined;
}
