// The short copy marker for platforms whose records have no field that people do not read: the
// reference on a line of its own at the end of the text, so a copy is still recognised when its
// answer was lost. Connectors that have a hidden place (an internal field) keep it there instead.

const MARKER = /^\[Lockstep ([a-z]{3}_[0-9a-z]+)\]$/;
const TRAILING = /\n\[Lockstep ([a-z]{3}_[0-9a-z]+)\]$/;

/** The text as written to the platform: the notes, then the marker on its own line. */
export function withReference(notes: string, reference: string | null): string {
  if (!reference) return notes;
  return notes ? `${notes}\n[Lockstep ${reference}]` : `[Lockstep ${reference}]`;
}

/** The notes and the marker of a text written by `withReference` (any other text: no marker).
 * Exact inverse, so a record read and written back is unchanged. */
export function splitReference(text: string): { notes: string; reference: string | null } {
  const whole = MARKER.exec(text);
  if (whole) return { notes: "", reference: whole[1]! };
  const trailing = TRAILING.exec(text);
  if (trailing && trailing.index > 0) return { notes: text.slice(0, trailing.index), reference: trailing[1]! };
  return { notes: text, reference: null };
}
