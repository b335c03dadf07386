/**
 * Command-line flags for the dev scripts: parsed with node:util, with bad
 * flags and --help turned into a `Stop` that prints the usage.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { Stop } from "./api-client";

type FlagValues<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: T }>>["values"];

/** The flags' values in `args` (default: the command line); exits 2 with the usage on a bad flag, 0 on --help. */
export function parseFlags<T extends ParseArgsOptionsConfig>(
  options: T,
  usage: string,
  args: string[] = process.argv.slice(2),
): FlagValues<T> {
  let values: FlagValues<T>;
  try {
    values = parseArgs({ options, args }).values;
  } catch (err) {
    throw new Stop(`${(err as Error).message}\n${usage}`, 2);
  }
  if ("help" in values && values.help) throw new Stop(usage, 0);
  return values;
}
