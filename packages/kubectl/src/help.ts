/** kubectl's help: `kubectl`, `kubectl help [verb]`, `kubectl <verb> --help`. */
import { HELP_TEXTS } from "./help-texts";

/** The recorded help of a command (`""` for kubectl itself), or undefined when there is none. */
export function helpText(command: string): string | undefined {
  return HELP_TEXTS[command];
}
