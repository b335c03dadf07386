/** The one error body every refusal of the API has: `{"error": {"code", "message"}}`. */
import * as z from "zod/mini";

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
