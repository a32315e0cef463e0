// Errors of the patch libraries, carrying the exact text kubectl prints after `error: `.

/** An error of apimachinery's strategicpatch / mergepatch. */
export class StrategicPatchError extends Error {
  override readonly name = "StrategicPatchError";
}
