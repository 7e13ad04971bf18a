export { walk } from "./walker.js";
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
