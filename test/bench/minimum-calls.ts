// The fewest API calls a full initial sync needs on each platform, from the vendors' documented
// endpoints and paging (see src/connectors/vendor-apis.md): what any sync, ours or not, must
// make to carry the same tickets, comments and files. The benchmark prints our calls beside it.

export type Backlog = {
  tickets: number;
  /** Comments per ticket. */
  comments: number;
  /** Tickets with one attachment. */
  files: number;
  /** Distinct requester emails to match on the target. */
  requesters: number;
  /** Tickets the target lists as changed since the run's start (its own, not ours). */
  targetChanged: number;
};

export type SidePlatform = "connectwise" | "servicenow" | "request-tracker";

const pages = (rows: number, pageSize: number) => Math.max(1, Math.ceil(rows / pageSize));

/** Calls on the source: list the changes, read each ticket's comments and files, download each
 * file, and write the partner's number back to each original. */
export function sourceMinimum(platform: SidePlatform, b: Backlog): number {
  switch (platform) {
    case "connectwise":
      // GET /service/tickets (1,000 a page); GET .../notes; GET /system/documents?recordId=;
      // GET /system/documents/{id}/download; PATCH /service/tickets/{id}.
      return pages(b.tickets, 1_000) + b.tickets * 3 + b.files;
    case "request-tracker":
      // GET /tickets?query= (100 a page); GET /ticket/{id}/history (which transactions are
      // messages, and whose); GET /ticket/{id}/attachments with a JSON search for the text parts
      // and their content (the description and every comment in one call: REST2 cannot expand
      // content in the history); the same search for files; GET /attachment/{id} per file;
      // PUT /ticket/{id} (partner CF).
      return pages(b.tickets, 100) + b.tickets * 4 + b.files;
    case "servicenow":
      // GET /api/now/table/incident (10,000 a page); sys_journal_field; attachment list; file.
      return pages(b.tickets, 10_000) + b.tickets * 3 + b.files;
  }
}

/** Calls on the target: list its own changes, match each requester once, create each ticket,
 * post each comment, upload each file. */
export function targetMinimum(platform: SidePlatform, b: Backlog): number {
  switch (platform) {
    case "servicenow":
      // GET incident; GET sys_user?email= once per requester; POST incident; one PATCH per
      // journal entry; POST /api/now/attachment/file.
      return pages(b.targetChanged, 10_000) + b.requesters + b.tickets * (1 + b.comments) + b.files;
    case "request-tracker":
      // GET /tickets; GET /user/{email} once per requester; POST /ticket; POST comment or
      // correspond per comment; a file goes with a comment of its own, whose answer names only
      // the transaction, so one GET learns the file's id (needed to know it later as our copy).
      return pages(b.targetChanged, 100) + b.requesters + b.tickets * (1 + b.comments) + b.files * 2;
    case "connectwise":
      return pages(b.targetChanged, 1_000) + b.requesters + b.tickets * (1 + b.comments) + b.files;
  }
}
