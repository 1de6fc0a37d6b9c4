// `discover`: the picklists admins choose from, read from the instance's own tables. Choice
// lists come from sys_choice, where a table without its own choices for a field inherits those
// defined on `task` (how ServiceNow resolves choices for task-extended tables).
import type { Picklists } from "../canonical";
import type { ServiceNowApi } from "./api";
import { KNOWN_TABLES, type ServiceNowSettings } from "./config";
import { CATEGORY_FIELDS, NOTE_TYPES, type PlainRecord } from "./mapping";

type CustomField = Picklists["customFields"][number];

function fieldType(internalType: string, hasChoices: boolean): CustomField["type"] {
  if (hasChoices) return "select";
  if (["integer", "decimal", "float", "currency", "longint"].includes(internalType)) return "number";
  if (internalType === "boolean") return "boolean";
  if (["glide_date_time", "glide_date", "due_date"].includes(internalType)) return "date";
  return "text";
}

/** Choices of `element` for `table`: the table's own if it defines any, else the ones on `task`. */
function choicesFor(choices: PlainRecord[], table: string, element: string): PlainRecord[] {
  const own = choices.filter((c) => c.name === table && c.element === element);
  return own.length > 0 ? own : choices.filter((c) => c.name === "task" && c.element === element);
}

const byValue = <T extends { id: string }>(items: T[]): T[] => [...new Map(items.map((item) => [item.id, item])).values()];

export async function discoverPicklists(api: ServiceNowApi, settings: ServiceNowSettings): Promise<Picklists> {
  // A table exists on this instance if sys_db_object has it (sn_customerservice_case needs the CSM plugin).
  const tablesFound = await api.listAllPlain("sys_db_object", `nameIN${KNOWN_TABLES.join(",")}`, ["name", "label"]);
  const present = new Set(tablesFound.map((t) => t.name));
  const tables = settings.ticketTypes.filter((t) => present.has(t));
  const names = [...tables, "task"].join(",");

  const dictionary = await api.listAllPlain("sys_dictionary", `nameIN${names}^elementSTARTSWITHu_`, ["name", "element", "column_label", "internal_type", "choice"]);
  const customNames = [...new Set(dictionary.map((d) => d.element ?? ""))].filter(Boolean);
  const elements = ["state", "priority", "contact_type", ...CATEGORY_FIELDS, ...customNames].join(",");
  const choices = await api.listAllPlain("sys_choice", `nameIN${names}^elementIN${elements}^inactive=false^ORDERBYsequence`, ["name", "element", "value", "label", "sequence"]);

  const [groups, companies, users] = [
    await api.listAllPlain("sys_user_group", "active=true^ORDERBYname", ["sys_id", "name"]),
    await api.listAllPlain("core_company", "ORDERBYname", ["sys_id", "name"]),
    await api.listAllPlain("sys_user", "active=true^ORDERBYname", ["sys_id", "name"]),
  ];
  const ref = (r: PlainRecord) => ({ id: r.sys_id ?? "", name: r.name ?? "" });
  const choiceRefs = (element: string) => byValue(tables.flatMap((t) => choicesFor(choices, t, element).map((c) => ({ id: c.value ?? "", name: c.label ?? "" }))));
  // Category and subcategory are baseline choice fields (incident, problem…): offered as select
  // fields wherever a synced table has choices for them.
  const categorisation = CATEGORY_FIELDS.map((element) => ({ element, values: choiceRefs(element) })).filter((c) => c.values.length > 0);

  return {
    queues: groups.map(ref),
    // Statuses are per table in ServiceNow; with several tables enabled the same value can repeat.
    statuses: tables.flatMap((t) =>
      choicesFor(choices, t, "state").map((c) => ({
        id: c.value ?? "",
        name: c.label ?? "",
        queueId: null,
        closed: (settings.closedStates[t] ?? []).includes(c.value ?? ""),
      })),
    ),
    priorities: byValue(tables.flatMap((t) => choicesFor(choices, t, "priority").map((c) => ({ id: c.value ?? "", name: c.label ?? "" })))),
    ticketTypes: tablesFound.map((t) => ({ id: t.name ?? "", name: t.label ?? t.name ?? "" })),
    companies: companies.map(ref),
    noteTypes: NOTE_TYPES.map((n) => ({ ...n })),
    customFields: byValue([
      ...dictionary.map((d) => {
        const found = choicesFor(choices, d.name ?? "", d.element ?? "");
        const type = fieldType(d.internal_type ?? "", found.length > 0);
        const options = found.map((c) => c.value ?? "");
        return { id: d.element ?? "", name: d.column_label ?? d.element ?? "", type, ...(type === "select" ? { options, choices: found.map((c) => ({ id: c.value ?? "", name: c.label ?? "" })) } : {}) };
      }),
      ...categorisation.map(({ element, values }) => ({
        id: element,
        name: element === "category" ? "Category" : "Subcategory",
        type: "select" as const,
        options: values.map((v) => v.id),
        choices: values,
      })),
    ]),
    members: users.map(ref),
    // ServiceNow has no work roles on time worked.
    workRoles: [],
    sources: choiceRefs("contact_type"),
    categories: choiceRefs("category"),
  };
}
