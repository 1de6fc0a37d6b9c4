// Our own id for every request: in the X-Request-Id answer header, error bodies and the log.
// A client's X-Request-Id is never taken as ours (hono's requestId would): it could forge an id
// that points support at another request in our logs. A well-formed one is echoed back as
// X-Client-Request-Id, so a client can still match our id to its own.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = crypto.randomUUID();
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  const theirs = c.req.header("X-Request-Id");
  if (theirs && CLIENT_REQUEST_ID.test(theirs)) c.header("X-Client-Request-Id", theirs);
  await next();
});
