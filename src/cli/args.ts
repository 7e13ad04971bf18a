/**
 * Command-line parsing on top of node:util parseArgs, turning its errors (unknown option,
 * missing value) into one clear USAGE line, and converting numeric and date flags with an
 * error that names the flag.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { DocindexError } from "../errors.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(
  command: string,
  argv: string[],
  options: OptionSpec,
): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedCommand["values"], positionals };
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]?.replace(/\. To specify .*$/, "") ?? "";
    throw new DocindexError(
      "USAGE",
      `docindex ${command}: ${message} (see \`docindex ${command} --help\`)`,
    );
  }
}

export function stringFlag(values: ParsedCommand["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function numberFlag(
  command: string,
  values: ParsedCommand["values"],
  name: string,
  bounds: { min: number; max: number; integer?: boolean },
): number | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const ok =
    raw.trim() !== "" &&
    Number.isFinite(value) &&
    value >= bounds.min &&
    value <= bounds.max &&
    (!bounds.integer || Number.isInteger(value));
  if (!ok) {
    const kind = bounds.integer ? "a whole number" : "a number";
    throw new DocindexError(
      "USAGE",
      `docindex ${command}: --${name} must be ${kind} from ${bounds.min} to ${bounds.max}, got '${raw}'`,
    );
  }
  return value;
}
