// The facts each notebook demonstrates, stated in the notebook itself: a claim
// prints a check mark when it holds and throws when it does not, so a changed
// simulator that breaks the story makes the notebook check fail with an error
// cell instead of silently committing a different story.

/** Prints `✓ statement`, or throws when `holds` is false. */
export function claim(statement: string, holds: boolean): void {
  if (!holds) throw new Error(`claim does not hold: ${statement}`);
  console.log(`✓ ${statement}`);
}
