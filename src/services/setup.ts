// First-run setup: while no organisation exists, create the first one with its owner and an
// API token. The `installation` row's fixed primary key makes a second setup fail inside the
// same batch, so two racing requests cannot both succeed.
import { count } from "drizzle-orm";
import type { Db } from "../db/client";
import { installation, organisations, users } from "../db/schema";
import { hashPassword } from "../crypto/password";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { ApiError } from "../api/error-codes";
import { auditEntry } from "./audit";
import { mintToken } from "./api-tokens";
import { createSession } from "./sessions";
import { assertStrongPassword } from "./password-strength";

export async function isSetUp(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(installation);
  return (row?.n ?? 0) > 0;
}

const alreadySetUp = () => new ApiError("already_set_up", "Lockstep is already set up. Sign in instead.");

type NewOrganisation = { organisation: { name: string }; owner: { name: string; email: string; password: string } };

/**
 * The statements that create an organisation with its owner and an owner API token. Setup runs
 * them for the first organisation; partner organisations will be created the same way.
 */
type SetUpOptions = {
  withSession?: boolean;
  ip?: string | null;
  /** Only the local demo's seed sets this: its published sign-in (`lockstep-demo`) is guessable on purpose. */
  demoPassword?: boolean;
};

export async function organisationWithOwner(db: Db, input: NewOrganisation, options: SetUpOptions = {}) {
  if (!options.demoPassword) await assertStrongPassword(input.owner.password, [input.owner.email, input.owner.name, input.organisation.name], "owner.password");
  const now = nowIso();
  const org = { id: newId("org"), name: input.organisation.name, billingStatus: "none" as const, createdAt: now, updatedAt: now };
  const owner = {
    id: newId("usr"),
    orgId: org.id,
    name: input.owner.name,
    email: input.owner.email,
    role: "owner" as const,
    passwordHash: await hashPassword(input.owner.password),
    createdAt: now,
    updatedAt: now,
  };
  const token = await mintToken(db, { orgId: org.id, userId: owner.id, name: "Created with the organisation", role: "owner" });
  const session = options.withSession ? await createSession(db, owner) : null;
  const actor = { orgId: org.id, userId: owner.id, label: owner.email };
  const statements = [
    db.insert(organisations).values(org),
    db.insert(users).values(owner),
    token.insert,
    auditEntry(db, actor, { action: "organisation.created", targetType: "organisation", targetId: org.id }, options.ip),
    ...(session ? [session.insert] : []),
  ] as const;
  return {
    statements,
    token: token.token,
    sessionToken: session?.token ?? null,
    organisation: { id: org.id, name: org.name },
    owner: { id: owner.id, name: owner.name, email: owner.email },
  };
}

export async function setUp(db: Db, input: NewOrganisation, options: SetUpOptions = {}) {
  if (await isSetUp(db)) throw alreadySetUp();
  const created = await organisationWithOwner(db, input, options);
  try {
    await db.batch([db.insert(installation).values({ id: "default", setupCompletedAt: nowIso() }), ...created.statements]);
  } catch (err) {
    if (await isSetUp(db)) throw alreadySetUp();
    throw err;
  }
  const { statements: _, ...result } = created;
  return result;
}
