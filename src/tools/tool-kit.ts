/**
 * What every tool module shares: turning a handler's answer into an MCP result (structured
 * content plus the same as readable text), turning errors into `isError` results that say
 * what is wrong (never a stack trace), and a log line with a correlation id per call.
 */
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { StoreError } from "../../indexers/store.js";
import { describeError, isDocindexError } from "../errors.js";
import { newCorrelationId } from "../log.js";
import type { ServerContext } from "../server/context.js";

export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { structuredContent: structured, content: [{ type: "text", text }] };
}

export function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

/** Runs a tool handler with a correlation id, a log line, and errors turned into results. */
export async function runTool(
  ctx: ServerContext,
  tool: string,
  handler: (log: ServerContext["log"]) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const callId = newCorrelationId("call");
  const log = ctx.log.child({ callId, tool });
  const started = Date.now();
  try {
    const result = await handler(log);
    log.info("tool call", { ms: Date.now() - started, isError: result.isError === true });
    return result;
  } catch (error) {
    if (isDocindexError(error) || error instanceof StoreError) {
      log.info("tool call refused", {
        ms: Date.now() - started,
        code: error.code,
        error: error.message,
      });
      return toolError(error.message);
    }
    log.error("tool call failed", { ms: Date.now() - started, error: describeError(error) });
    return toolError(`${tool} failed: ${describeError(error)} (correlation id ${callId})`);
  }
}

/** ms since epoch as ISO 8601, for answers meant to be read. */
export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** How a document's OCR text is marked in tool answers (read_document, inventory). */
export const ocrSchema = z
  .object({ confidence: z.number(), lowConfidencePages: z.array(z.number()).optional() })
  .optional()
  .describe("present when the text was read by OCR: mean confidence 0-100, pages too low to trust");
