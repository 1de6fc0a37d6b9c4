/** The current time as a UTC ISO-8601 string, the only form timestamps are stored in. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}
