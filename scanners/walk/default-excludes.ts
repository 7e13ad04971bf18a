/**
 * What docindex leaves out even when git would list it: git's own metadata, the index folder,
 * and files that look like secrets. Name-based on purpose (no content sniffing): cheap, and
 * predictable for the user. See README.md for the rationale of each entry.
 */

/** Secret file names, compared lower-cased so `ID_RSA` or `.ENV` are caught too. */
const SECRET_NAMES = new Set([
  ".env",
  ".envrc",
  ".netrc",
  "_netrc",
  ".pgpass",
  ".htpasswd",
  ".git-credentials",
  "credentials.json",
]);

/** `.env.<x>` files that conventionally hold placeholders, not values. */
const ENV_TEMPLATES = new Set([".env.example", ".env.sample", ".env.template", ".env.dist"]);

const KEY_EXTENSIONS = new Set(["pem", "key", "p12", "pfx", "keystore", "jks", "ppk"]);

const SSH_KEY_PREFIXES = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"];

const SECRETS_DATA_EXTENSIONS = new Set(["json", "yaml", "yml", "toml", "ini", "env"]);

export interface DefaultExcludeConfig {
  enabled: boolean;
  indexDirName: string;
}

/** `.git` is excluded whatever the configuration: git never lists it either. */
export function isAlwaysExcluded(name: string): boolean {
  return name === ".git";
}

/** `parentName` is the basename of the containing directory ("" at the root). */
export function isDefaultExcluded(
  config: DefaultExcludeConfig,
  name: string,
  parentName: string,
  isDir: boolean,
): boolean {
  if (!config.enabled) return false;
  if (name === config.indexDirName) return true;
  if (isDir) return false;
  return isSecretFileName(name, parentName);
}

export function isSecretFileName(name: string, parentName: string): boolean {
  const lower = name.toLowerCase();
  if (SECRET_NAMES.has(lower)) return true;
  if (lower.startsWith(".env.")) return !ENV_TEMPLATES.has(lower);
  if (lower === "credentials" && parentName === ".aws") return true;
  const dot = lower.lastIndexOf(".");
  const ext = dot > 0 ? lower.slice(dot + 1) : "";
  if (KEY_EXTENSIONS.has(ext)) return true;
  if (SSH_KEY_PREFIXES.some((prefix) => lower.startsWith(prefix))) return !lower.endsWith(".pub");
  if (lower.startsWith("client_secret") && ext === "json") return true;
  if (dot === "secrets".length && lower.startsWith("secrets")) {
    return SECRETS_DATA_EXTENSIONS.has(ext);
  }
  return false;
}

/**
 * For a symlink's target (root-relative POSIX path): whether it lies in or is a default-excluded
 * entry, so that a link cannot smuggle `.git/config` or `.env` past the rules under another name.
 */
export function isDefaultExcludedTarget(
  config: DefaultExcludeConfig,
  rel: string,
  isDir: boolean,
): boolean {
  const parts = rel.split("/");
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i] as string;
    const last = i === parts.length - 1;
    if (isAlwaysExcluded(name)) return true;
    if (
      isDefaultExcluded(config, name, i > 0 ? (parts[i - 1] as string) : "", last ? isDir : true)
    ) {
      return true;
    }
  }
  return false;
}
