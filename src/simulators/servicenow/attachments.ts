// The Attachment API as the connector uses it: list by encoded query, download the bytes,
// upload raw bytes with the file's Content-Type. Metadata is a sys_attachment row (stored values,
// numbers as strings) plus an absolute download_link.
import { Hono, type Context } from "hono";
import { simulatorBase } from "../base";
import { droppedWrite } from "../faults";
import { paging, pagingHeaders, query, type SimEnv } from "./respond";
import { SimError, type Row, type ServiceNowStore } from "./store";
import { snTime } from "./tables";

function meta(c: Context, row: Row): Record<string, string> {
  return { ...row, download_link: `${simulatorBase(c)}/api/now/attachment/${row.sys_id}/file` };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function attachmentRoutes(store: ServiceNowStore) {
  const app = new Hono<SimEnv>();
  const guard = () => {
    if (store.deniedTables.has("sys_attachment")) throw new SimError(403, "User Not Authorized", "Failed API level ACL Validation");
  };
  const notFound = () => new SimError(404, "Record doesn't exist or ACL restricts the record retrieval");

  // https://www.servicenow.com/docs/r/api-reference/rest-apis/c_AttachmentAPI.html (GET /now/attachment)
  app.get("/", (c) => {
    guard();
    const { limit, offset } = paging(c);
    const rows = query(store, "sys_attachment", c.req.query("sysparm_query") ?? "", c.get("user"));
    return c.json({ result: rows.slice(offset, offset + limit).map((row) => meta(c, row)) }, 200, pagingHeaders(c, rows.length, limit, offset));
  });

  // GET /now/attachment/{sys_id}/file: the bytes, with the metadata in X-Attachment-Metadata.
  app.get("/:sys_id/file", (c) => {
    guard();
    const row = store.get("sys_attachment", c.req.param("sys_id"));
    const bytes = row && store.files.get(row.sys_id!);
    if (!row || !bytes) throw notFound();
    return c.body(bytes.slice(), 200, { "Content-Type": row.content_type ?? "application/octet-stream", "X-Attachment-Metadata": JSON.stringify(meta(c, row)) });
  });

  // POST /now/attachment/file?table_name=&table_sys_id=&file_name= with the raw bytes as the body.
  app.post("/file", async (c) => {
    guard();
    const [table, sysId, fileName] = [c.req.query("table_name"), c.req.query("table_sys_id"), c.req.query("file_name")];
    if (!table || !sysId || !fileName) throw new SimError(400, "Missing parameter", "table_name, table_sys_id and file_name are required");
    const contentType = c.req.header("Content-Type");
    if (!contentType) throw new SimError(400, "Content-Type header is missing", "Send the file's content type");
    if (!store.hasTable(table) || !store.get(table, sysId)) throw notFound();
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const user = c.get("user");
    const values = {
      file_name: fileName, content_type: contentType, size_bytes: String(bytes.length), size_compressed: String(bytes.length), compressed: "true",
      table_name: table, table_sys_id: sysId, hash: await sha256Hex(bytes), state: "available",
      image_width: "", image_height: "", average_image_color: "", chunk_size_bytes: "700000",
      sys_created_by: user.user_name ?? "", sys_updated_by: user.user_name ?? "",
    };
    if (droppedWrite(c)) {
      // Answered with the record it would have made, and nothing kept.
      const at = snTime(store.now());
      return c.json({ result: meta(c, { sys_id: store.newSysId(), sys_created_on: at, sys_updated_on: at, sys_mod_count: "0", sys_tags: "", ...values }) }, 201);
    }
    const row = store.insertRaw("sys_attachment", values);
    store.files.set(row.sys_id!, bytes);
    store.writes.push({ method: "POST", table: "sys_attachment", sysId: row.sys_id!, body: { table_name: table, table_sys_id: sysId, file_name: fileName } });
    return c.json({ result: meta(c, row) }, 201, { Location: `${simulatorBase(c)}/api/now/attachment/${row.sys_id}` });
  });

  return app;
}
