export { walk, walkBatches } from "./walker.js";
export { createIgnoreMatcher, type IgnoreMatcher } from "./ignore-matcher.js";
export {
  DEFAULT_INDEX_DIR_NAME,
  DEFAULT_MAX_FILE_SIZE_BYTES,
  WalkError,
  nodeWalkFs,
  type WalkErrorCode,
  type WalkFs,
  type WalkOptions,
} from "./options.js";
export { isSecretFileName } from "./default-excludes.js";
export {
  Admission,
  createAdmission,
  listsFile,
  type PathJudgement,
  type Refusal,
  type Verdict,
} from "./admission.js";
export {
  decidingRuleOf,
  decisionOf,
  describeRefusal,
  describeRule,
  displaySource,
  OUTSIDE_ROOTS_LINE,
  patternText,
  verdictLine,
  type Decision,
} from "./describe.js";
export type { Rule } from "./ignore-rules.js";
export { SETTINGS_SOURCE } from "./pattern-match.js";
export { listedFile } from "./listed-file.js";
export {
  openListedFile,
  statListedFiles,
  tooLargeReason,
  type FileFacts,
  type OpenedFile,
} from "./file-facts.js";
