// Comment, attachment and time entry settings that a platform cannot honour are refused when
// saved, naming the setting and why, instead of being saved and doing nothing in every run: a
// note type the platform does not have, time entries where either platform has none, a default
// member or work role where the platform records time without one, a file size above what the
// receiving platform takes. Only values being changed are checked, so a form sent back whole (or
// a setting saved before these checks) does not block an unrelated edit.
import type { ConnectorFacts } from "../connectors/contract";
import type { SideSettings } from "../schemas/connections";

export type SettingIssue = { path: string[]; message: string };

const MIB = 1024 * 1024;
const changed = (before: SideSettings, after: SideSettings, read: (s: SideSettings) => unknown) => JSON.stringify(read(before)) !== JSON.stringify(read(after));

/**
 * `own`: this side's platform, where its comments and time are read and where the partner's are
 * written. `partner`: the other side's (null while the partner has not chosen an account).
 */
export function childSettingIssues(before: SideSettings, after: SideSettings, own: ConnectorFacts | null, partner: ConnectorFacts | null): SettingIssue[] {
  const issues: SettingIssue[] = [];
  if (own) {
    const types = own.noteTypes;
    const names = types.map((t) => `${t.id} (${t.name})`).join(", ");
    if (changed(before, after, (s) => s.comments.noteTypes)) {
      after.comments.noteTypes.forEach((id, i) => {
        if (!types.some((t) => t.id === id)) issues.push({ path: ["comments", "noteTypes", String(i)], message: `${own.label} has no note type "${id}": choose from ${names}` });
      });
    }
    for (const key of ["incomingPublicAs", "incomingInternalAs"] as const) {
      const chosen = after.comments[key];
      if (chosen === undefined || !changed(before, after, (s) => s.comments[key])) continue;
      const type = types.find((t) => t.id === chosen);
      if (!type) issues.push({ path: ["comments", key], message: `${own.label} has no note type "${chosen}": choose from ${names}` });
      else if (key === "incomingInternalAs" && type.public) issues.push({ path: ["comments", key], message: `${type.name} is visible to the customer: internal comments are never written as a public note type` });
    }
    const time = after.timeEntries;
    if (time.enabled && changed(before, after, (s) => s.timeEntries.enabled) && !own.supports.timeEntries) {
      issues.push({ path: ["timeEntries", "enabled"], message: `${own.label} has no time entries to carry` });
    }
    if (time.defaultMemberId && changed(before, after, (s) => s.timeEntries.defaultMemberId) && !own.supports.timeEntryMember) {
      issues.push({ path: ["timeEntries", "defaultMemberId"], message: `${own.label} records time as the integration user: a default member would do nothing` });
    }
    if (time.defaultWorkRoleId && changed(before, after, (s) => s.timeEntries.defaultWorkRoleId) && !own.supports.timeEntryWorkRole) {
      issues.push({ path: ["timeEntries", "defaultWorkRoleId"], message: `${own.label} time entries have no work role: a default work role would do nothing` });
    }
  }
  if (partner) {
    if (after.timeEntries.enabled && changed(before, after, (s) => s.timeEntries.enabled) && !partner.supports.timeEntries) {
      issues.push({ path: ["timeEntries", "enabled"], message: `The partner's platform, ${partner.label}, has no time entries to receive them` });
    }
    const limit = partner.maxAttachmentBytes;
    if (limit !== null && after.attachments.maxBytes > limit && changed(before, after, (s) => s.attachments.maxBytes)) {
      issues.push({ path: ["attachments", "maxBytes"], message: `${partner.label}, which receives this side's files, takes at most ${Math.floor(limit / MIB)} MB a file` });
    }
  }
  return issues;
}
