// Refuses common and guessable passwords wherever one is set (setup, new users, reset links, own
// change), with zxcvbn-ts: length alone admits `1234567890`. The library and its dictionaries
// (about 1.6 MB) are imported on first use, so requests that set no password never load them.
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { ApiError } from "../api/error-codes";

/** zxcvbn's 3: "safely unguessable", about 10^8 guesses or more. */
export const MIN_PASSWORD_SCORE = 3;

let checker: Promise<ZxcvbnFactory> | undefined;

function strengthChecker(): Promise<ZxcvbnFactory> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common"), import("@zxcvbn-ts/language-en")]);
    // No Levenshtein matching: it compares the password with every dictionary word, hundreds of
    // milliseconds of CPU per check; exact, l33t and reversed matches already catch common ones.
    return new ZxcvbnFactory({ translations: en.translations, graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...en.dictionary } });
  })();
  return checker;
}

/** Words about the person and their organisation: a password made of them is easy to guess. */
function userWords(inputs: readonly (string | null | undefined)[]): string[] {
  const words = new Set<string>(["lockstep"]);
  for (const input of inputs) {
    if (!input) continue;
    words.add(input.toLowerCase());
    for (const part of input.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

/** Why the password is too easy to guess (the library's warning and suggestions), or null. */
export async function passwordWeakness(password: string, inputs: readonly (string | null | undefined)[]): Promise<string | null> {
  const result = (await strengthChecker()).check(password, userWords(inputs));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const { warning, suggestions } = result.feedback;
  return ["Too easy to guess.", warning, ...suggestions].filter(Boolean).join(" ");
}

/** Throws `invalid_input` naming the field (`path`) when the password is too easy to guess. */
export async function assertStrongPassword(password: string, inputs: readonly (string | null | undefined)[], path = "password"): Promise<void> {
  const weakness = await passwordWeakness(password, inputs);
  if (weakness) throw new ApiError("invalid_input", `Invalid input: ${path}: ${weakness}`, { fields: [{ path, message: weakness }] });
}
