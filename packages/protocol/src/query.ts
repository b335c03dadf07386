/** Numbers in a query string, read strictly. */
import * as z from "zod/mini";

/**
 * An integer in a query string: decimal digits only, within [min, max].
 * Number() (and z.coerce) would take "0x10", "1e2", " 7" or "" as numbers;
 * a query that says something else than it seems is refused with 400 instead.
 */
export const queryInteger = (min: number, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^[0-9]{1,16}$/, "must be a decimal integer")), z.transform(Number)),
    z.int().check(z.minimum(min), z.maximum(max)),
  );
