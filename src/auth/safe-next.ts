// Where sign-in sends the browser afterwards (`next`): only a path on this site. Browsers read
// `//host`, `/\host` and `/<tab>/host` as another site (they drop tabs and newlines and treat
// `\` as `/`), so anything that is not plainly a local path falls back to the dashboard.
import { ApiError } from "../api/error-codes";

const MAX_LENGTH = 2048;
const ORIGIN = "https://lockstep.invalid";

/** Rules a path must keep in its given form and once more decoded (`%5C` is a backslash). */
function plainLocalPath(path: string): boolean {
  return (
    path.startsWith("/") &&
    !path.includes("//") &&
    !path.includes("\\") &&
    // C0 controls, DEL and C1 controls: browsers strip some of them before parsing the URL.
    !/[\u0000-\u001f\u007f-\u009f]/.test(path)
  );
}

function decodedOnce(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/**
 * The `next` to redirect to, or "/" when it is absent or not a plain same-site path. CR or LF
 * (a header injection attempt, and a header Location cannot hold) is refused with 400.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next) return "/";
  const decoded = decodedOnce(next);
  if (/[\r\n]/.test(next) || (decoded !== null && /[\r\n]/.test(decoded))) {
    throw new ApiError("invalid_input", "The address to return to after sign-in holds a line break.", { fields: [{ path: "next", message: "holds a line break" }] });
  }
  if (next.length > MAX_LENGTH || decoded === null || !plainLocalPath(next) || !plainLocalPath(decoded)) return "/";
  // Last word to the URL parser itself: the path must stay on our origin.
  const url = new URL(next, ORIGIN);
  return url.origin === ORIGIN ? next : "/";
}
