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

/**
 * Which default exclude leaves `name` out, named as README.md lists it (".env.*", "*.pem"), or
 * undefined. `parentName` is the basename of the containing directory ("" at the root).
 */
export function defaultExcludeRule(
  config: DefaultExcludeConfig,
  name: string,
  parentName: string,
  isDir: boolean,
): string | undefined {
  // The index folder stays out even without default excludes: it holds docindex's own databases
  // (chunk text, vectors, pending work), and reading it back in would only index the index.
  if (name === config.indexDirName) return `${name} (the index folder)`;
  if (!config.enabled) return undefined;
  if (isDir) return undefined;
  return secretFileRule(name, parentName);
}

export function isSecretFileName(name: string, parentName: string): boolean {
  return secretFileRule(name, parentName) !== undefined;
}

function secretFileRule(name: string, parentName: string): string | undefined {
  const lower = name.toLowerCase();
  if (SECRET_NAMES.has(lower)) return lower;
  if (lower.startsWith(".env.")) return ENV_TEMPLATES.has(lower) ? undefined : ".env.*";
  if (lower === "credentials" && parentName === ".aws") return ".aws/credentials";
  const dot = lower.lastIndexOf(".");
  const ext = dot > 0 ? lower.slice(dot + 1) : "";
  if (KEY_EXTENSIONS.has(ext)) return `*.${ext}`;
  const sshKey = SSH_KEY_PREFIXES.find((prefix) => lower.startsWith(prefix));
  if (sshKey !== undefined) return lower.endsWith(".pub") ? undefined : `${sshKey}*`;
  if (lower.startsWith("client_secret") && ext === "json") return "client_secret*.json";
  if (dot === "secrets".length && lower.startsWith("secrets") && SECRETS_DATA_EXTENSIONS.has(ext)) {
    return `secrets.${ext}`;
  }
  return undefined;
}
