/** Deterministic pseudo-random file contents: the same (seed, length) gives the same bytes. */
export function fileBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = (seed + 1) * 2_654_435_761;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export async function sha256(data: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
