/**
 * Which server scenarios of the MCP conformance suite run against docindex, at which protocol
 * version, and why each of the others does not apply. Two pinned versions of the suite:
 *
 * - 0.1.16, the latest release: the handshake-era scenarios (2025-06-18 and 2025-11-25).
 * - 0.2.0-alpha.12, a prerelease: the first with 2026-07-28 server scenarios (0.1.16 has none),
 *   run at 2026-07-28, plus the session-lifecycle scenario the release does not have.
 *
 * Most scenarios that do not apply call tools, prompts or resources the suite defines for its
 * own reference server (`test_simple_text`, `test://static-text`, ...); docindex serves its own
 * six tools and its documents. Within a scenario that runs, a check that needs such a fixture
 * is named in `fixtureChecks` with its reason; every other check must pass.
 */
import { CONFORMANCE_MODERN_VERSION, CONFORMANCE_VERSION } from "./toolchain.js";

export interface Scenario {
  /** What it checks, in a few words. */
  what: string;
  /** The protocol version the suite speaks for it (`--spec-version`). */
  specVersion: string;
  /** Checks that need the suite's own fixtures, by id, with why they cannot pass here. */
  fixtureChecks?: Record<string, string>;
}

export interface ConformanceSuite {
  version: string;
  run: Record<string, Scenario>;
  notApplicable: Record<string, string>;
}

const SUITE_TOOL = "calls a tool the suite defines (test_*); docindex serves its own six tools";
const SUITE_PROMPT = "needs prompts the suite defines; docindex has no prompts";
const SUITE_RESOURCE =
  "reads a resource the suite defines (test://...); docindex serves its documents as docindex://";
const SUITE_ELICITATION =
  "needs a suite tool that asks the client for input; docindex's tools never do";
const HANDSHAKE_ONLY = "handshake-era only (removed at 2026-07-28): run from the 0.1.16 suite";

function all(names: string[], why: string): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, why]));
}

/** Not applicable in both versions, for the same reasons. */
const SUITE_FIXTURES: Record<string, string> = {
  "completion-complete": "completes an argument of the suite's own prompt; docindex has no prompts",
  ...all(
    [
      "tools-call-simple-text",
      "tools-call-image",
      "tools-call-audio",
      "tools-call-embedded-resource",
      "tools-call-mixed-content",
      "tools-call-error",
      "tools-call-with-progress",
    ],
    SUITE_TOOL,
  ),
  "json-schema-2020-12": "lists the suite's own json_schema_2020_12_tool and checks its schema",
  ...all(
    ["resources-read-text", "resources-read-binary", "resources-templates-read"],
    SUITE_RESOURCE,
  ),
  ...all(
    [
      "prompts-list",
      "prompts-get-simple",
      "prompts-get-with-args",
      "prompts-get-embedded-resource",
      "prompts-get-with-image",
    ],
    SUITE_PROMPT,
  ),
};

/** Handshake-era scenarios that call the suite's tools or resources. */
const HANDSHAKE_FIXTURES: Record<string, string> = {
  "tools-call-with-logging": SUITE_TOOL,
  "tools-call-sampling": SUITE_TOOL,
  "tools-call-elicitation": SUITE_ELICITATION,
  "elicitation-sep1034-defaults": SUITE_ELICITATION,
  "elicitation-sep1330-enums": SUITE_ELICITATION,
  "server-sse-polling":
    "calls the suite's own test_reconnection tool, which closes the stream mid-call",
  "resources-subscribe":
    "subscribes to the suite's test://watched-resource; the Python SDK test subscribes to real documents",
  "resources-unsubscribe": "unsubscribes from the suite's test://watched-resource (as above)",
};

const HANDSHAKE = "2025-11-25";
const MODERN = "2026-07-28";

function at(specVersion: string, what: string, fixtureChecks?: Record<string, string>): Scenario {
  return { what, specVersion, fixtureChecks };
}

export const HANDSHAKE_SUITE: ConformanceSuite = {
  version: CONFORMANCE_VERSION,
  run: {
    "server-initialize": at(HANDSHAKE, "initialize answers server info and capabilities"),
    ping: at(HANDSHAKE, "ping answers {}"),
    "logging-set-level": at(HANDSHAKE, "logging/setLevel answers {}"),
    "tools-list": at(HANDSHAKE, "tools/list answers valid tools"),
    "resources-list": at(HANDSHAKE, "resources/list answers resources with uri and name"),
    "server-sse-multiple-streams": at(HANDSHAKE, "concurrent POSTs in one session each answered"),
    "dns-rebinding-protection": at(HANDSHAKE, "foreign Host or Origin refused, localhost accepted"),
  },
  notApplicable: { ...SUITE_FIXTURES, ...HANDSHAKE_FIXTURES },
};

export const MODERN_SUITE: ConformanceSuite = {
  version: CONFORMANCE_MODERN_VERSION,
  run: {
    "server-stateless": at(
      MODERN,
      "server/discover, per-request _meta, version and header errors, removed methods, listen",
      {
        "sep-2575-server-rejects-undeclared-capability":
          "calls the suite's test_missing_capability",
        "sep-2575-missing-capability-http-400": "calls the suite's test_missing_capability",
        "sep-2575-http-server-no-independent-requests-on-stream":
          "calls the suite's test_streaming_elicitation",
        "sep-2575-server-no-log-without-loglevel": "calls the suite's test_logging_tool",
      },
    ),
    "tools-list": at(MODERN, "tools/list at 2026-07-28"),
    "resources-list": at(MODERN, "resources/list at 2026-07-28"),
    "server-sse-multiple-streams": at(MODERN, "concurrent POST streams at 2026-07-28"),
    "dns-rebinding-protection": at(MODERN, "Host and Origin checks at 2026-07-28"),
    "sep-2164-resource-not-found": at(MODERN, "an unknown URI is -32602 with the uri in data"),
    caching: at(MODERN, "ttlMs and cacheScope on listings and resources/read", {
      "sep-2549-prompts-list-caching-hints":
        "docindex declares no prompts capability, so prompts/list is rightly method-not-found",
    }),
    "http-header-validation": at(MODERN, "Mcp-Method and Mcp-Name headers must match the body"),
    "server-session-lifecycle": at(HANDSHAKE, "DELETE ends a session; its id then gets 404"),
  },
  notApplicable: {
    ...SUITE_FIXTURES,
    ...HANDSHAKE_FIXTURES,
    ...all(["server-initialize", "logging-set-level", "ping"], HANDSHAKE_ONLY),
    "http-custom-header-server-validation":
      "needs a tool whose parameters are sent as x-mcp-header headers; docindex's tools have none",
    ...all(
      ["sep-2640-skills-directory", "sep-2640-skills-enumeration", "sep-2640-skills-manifest"],
      "the Skills extension: docindex serves no skills",
    ),
    ...all(
      [
        "tasks-lifecycle",
        "tasks-capability-negotiation",
        "tasks-wire-fields",
        "tasks-request-state-removal",
        "tasks-mrtr-input",
        "tasks-request-headers",
        "tasks-dispatch-and-envelope",
        "tasks-status-notifications",
        "tasks-required-task-error",
        "tasks-mrtr-composition",
      ],
      "the Tasks extension, driven through the suite's own tools (greet, slow_compute, failing_job, ...)",
    ),
    ...all(
      [
        "input-required-result-basic-elicitation",
        "input-required-result-basic-sampling",
        "input-required-result-basic-list-roots",
        "input-required-result-request-state",
        "input-required-result-multiple-input-requests",
        "input-required-result-multi-round",
        "input-required-result-missing-input-response",
        "input-required-result-non-tool-request",
        "input-required-result-result-type",
        "input-required-result-unsupported-methods",
        "input-required-result-tampered-state",
        "input-required-result-capability-check",
        "input-required-result-ignore-extra-params",
        "input-required-result-validate-input",
      ],
      "calls the suite's own test_input_required_result_* tools; docindex's tools never ask for input",
    ),
  },
};
