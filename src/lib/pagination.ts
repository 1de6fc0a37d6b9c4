// Lists are paged by id: ids sort by creation time, so the last id of a page is the cursor of
// the next. Fetch `limit + 1` rows; the extra one only tells whether another page exists.
import { z } from "zod";

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("Items per page (1–200)."),
  cursor: z.string().min(1).max(64).optional().describe("`nextCursor` of the previous page."),
});

export type PageRequest = z.infer<typeof pageQuerySchema>;

export type Page<T> = { data: T[]; nextCursor: string | null };

export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const visible = rows.slice(0, limit);
  const last = visible.at(-1);
  return { data: visible.map(map), nextCursor: rows.length > limit && last ? last.id : null };
}

/** The response schema of a page of `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
  });
}
