// Docker-style sizes: "512m", "10g", "1.5G", "2048" (bytes), with an optional trailing "b".
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const SIZE = /^(\d+(?:\.\d+)?)([kmgt]?)b?$/i;

export function isSize(text: string): boolean {
  return SIZE.test(text.trim());
}

/** Bytes, or undefined when `text` is not a size. */
export function parseSizeBytes(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number));
}
