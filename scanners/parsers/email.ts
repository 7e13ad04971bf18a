/**
 * E-mail: RFC 822/MIME messages (`.eml`) through postal-mime (a maintained MIME parser
 * without dependencies: charsets, encoded words, RFC 6532 UTF-8 headers) and Outlook `.msg`
 * files through @kenjiuno/msgreader. A message becomes one document: its headers (subject as
 * the heading; from, to, cc, date as lines and metadata), the plain-text body (or the HTML
 * body through the HTML parser), and each attachment named in an "Attachments" list. An
 * attachment of a kind docindex reads, within the size limit, is parsed like a file and handed
 * on as an embedded file (./embedded.ts): the pipeline stores it as a document of its own,
 * `message.eml#report.pdf`, so a hit in it cites the attachment and its page, not the message.
 */
import MsgReaderModule from "@kenjiuno/msgreader";
import PostalMime from "postal-mime";
import { kindForPath } from "../detect/kind.js";
import type { EmbeddedFile, FileKind, ParsedDocument, ParseOutcome } from "../types.js";
import { embeddedFile, EmbeddedNames } from "./embedded.js";
import { parseHtml } from "./html.js";
import { OutlineBuilder } from "./office/outline.js";
import { isOle } from "./office/ole.js";
import { corrupt, indexed, REASONS, skipped } from "./outcome.js";
import type { ParseOptions } from "./parse-options.js";

/** Attachments above this are listed, not parsed: a message is one worker's one file. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** A message attached to a message attached to a message: deeper ones are listed only. */
const MAX_DEPTH = 3;
/** Attachments read per message; more are listed with the reason. */
export const MAX_ATTACHMENTS = 100;

interface Message {
  subject?: string;
  from?: string;
  to: string[];
  cc: string[];
  date?: string;
  text?: string;
  html?: string;
  attachments: { name: string; mimeType: string; bytes: () => Buffer | undefined; size: number }[];
}

type ParseAttachment = (bytes: Buffer, kind: FileKind, name: string) => Promise<ParseOutcome>;

export async function parseEmail(
  bytes: Buffer,
  parseAttachment: ParseAttachment,
  options: ParseOptions & { depth?: number } = {},
): Promise<ParseOutcome> {
  let message: Message;
  try {
    message = isOle(bytes) ? readMsg(bytes) : await readEml(bytes);
  } catch (error) {
    return corrupt(error);
  }
  const out = new OutlineBuilder();
  const subject = message.subject?.trim() || "(no subject)";
  const header = [
    `Subject: ${subject}`,
    message.from === undefined ? "" : `From: ${message.from}`,
    message.to.length === 0 ? "" : `To: ${message.to.join(", ")}`,
    message.cc.length === 0 ? "" : `Cc: ${message.cc.join(", ")}`,
    message.date === undefined ? "" : `Date: ${message.date}`,
  ].filter((line) => line !== "");
  const body = message.text?.trim()
    ? message.text
    : message.html
      ? parseHtml(message.html).text
      : "";
  out.add([subject], [...header, "", body].join("\n"));

  const depth = options.depth ?? 0;
  const listed: string[] = [];
  const embedded: EmbeddedFile[] = [];
  const names = new EmbeddedNames();
  for (const [i, attachment] of message.attachments.entries()) {
    const kind = attachmentKind(attachment.name, attachment.mimeType);
    const name = names.next(attachment.name, `attachment-${i + 1}`);
    // A binary attachment is only listed: nothing of it is text. Past the cap, neither is any
    // other: each read attachment is a document, and a message must not become thousands.
    if (kind === "binary" || embedded.length >= MAX_ATTACHMENTS) {
      listed.push(
        kind === "binary" ? name : `${name} (not read: over ${MAX_ATTACHMENTS} attachments)`,
      );
      continue;
    }
    const notRead = (reason: string) =>
      embeddedFile(name, kind, undefined, attachment.size, skipped(`not read: ${reason}`));
    let file: EmbeddedFile;
    if (attachment.size > MAX_ATTACHMENT_BYTES) file = notRead("over 20 MB");
    else if (kind === "email" && depth + 1 >= MAX_DEPTH) file = notRead("nested too deep");
    else {
      const content = attachment.bytes();
      file =
        content === undefined
          ? notRead("no content")
          : embeddedFile(
              name,
              kind,
              content,
              attachment.size,
              await parseAttachment(content, kind, name),
            );
    }
    embedded.push(file);
    listed.push(file.outcome.ok ? name : `${name} (${file.outcome.reason})`);
  }
  if (listed.length > 0) out.add([subject, "Attachments"], listed.join("\n"), undefined, 2);
  if (out.isEmpty()) return skipped(REASONS.noText);
  const doc: ParsedDocument = out.build({ attachments: message.attachments.length });
  if (embedded.length > 0) doc.embedded = embedded;
  doc.title = subject;
  if (message.from !== undefined) doc.author = message.from;
  if (message.date !== undefined) doc.metadata["date"] = message.date;
  if (message.to.length > 0) doc.metadata["to"] = message.to.join(", ");
  return indexed(doc);
}

/** The attachment's kind by its name, else by its MIME type for nameless parts. */
function attachmentKind(name: string, mimeType: string): FileKind {
  const byName = kindForPath(name);
  if (byName !== "text" || /\.[a-z0-9]+$/i.test(name)) return byName;
  if (mimeType === "message/rfc822") return "email";
  if (mimeType.startsWith("text/html")) return "html";
  if (mimeType.startsWith("text/")) return "text";
  return "binary";
}

function address(a: { name?: string; address?: string } | undefined): string | undefined {
  if (a === undefined) return undefined;
  const name = a.name?.trim();
  const email = a.address?.trim();
  if (name && email) return `${name} <${email}>`;
  return name || email || undefined;
}

async function readEml(bytes: Buffer): Promise<Message> {
  const mail = await PostalMime.parse(bytes, { attachmentEncoding: "arraybuffer" });
  const flatten = (list: typeof mail.to): string[] =>
    (list ?? [])
      .flatMap((entry) =>
        "group" in entry && Array.isArray(entry.group)
          ? entry.group.map((g) => address(g) ?? "")
          : [address(entry as { name?: string; address?: string }) ?? ""],
      )
      .filter((s) => s !== "");
  const date = mail.date && !Number.isNaN(Date.parse(mail.date)) ? mail.date : undefined;
  const message: Message = {
    to: flatten(mail.to),
    cc: flatten(mail.cc),
    attachments: mail.attachments.map((a, i) => {
      const content = a.content as ArrayBuffer | string;
      const buffer = Buffer.from(content as ArrayBuffer);
      const extension = a.mimeType === "message/rfc822" ? ".eml" : "";
      return {
        name: a.filename ?? `part-${i + 1}${extension}`,
        mimeType: a.mimeType,
        size: buffer.length,
        bytes: () => buffer,
      };
    }),
  };
  if (mail.subject !== undefined) message.subject = mail.subject;
  const from = address(mail.from as { name?: string; address?: string } | undefined);
  if (from !== undefined) message.from = from;
  if (date !== undefined) message.date = date;
  if (mail.text !== undefined) message.text = mail.text;
  if (mail.html !== undefined) message.html = mail.html;
  return message;
}

// The package is CommonJS with `exports.default`: under Node's ESM loader the class is `.default`.
const MsgReader = MsgReaderModule.default;

function readMsg(bytes: Buffer): Message {
  const reader = new MsgReader(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
  );
  const data = reader.getFileData();
  if (data.error) throw new Error(data.error);
  const recipients = (kind: string) =>
    (data.recipients ?? [])
      .filter((r) => (r.recipType ?? "to") === kind)
      .map((r) => address({ name: r.name, address: r.smtpAddress ?? r.email }) ?? "")
      .filter((s) => s !== "");
  const message: Message = {
    to: recipients("to"),
    cc: recipients("cc"),
    attachments: (data.attachments ?? []).map((a, i) => ({
      name: a.fileName ?? a.fileNameShort ?? a.name ?? `attachment-${i + 1}`,
      mimeType: a.attachMimeTag ?? "",
      size: a.contentLength ?? 0,
      bytes: () => {
        const content = reader.getAttachment(a).content;
        return content === undefined ? undefined : Buffer.from(content);
      },
    })),
  };
  if (data.subject !== undefined) message.subject = data.subject;
  const from = address({
    name: data.senderName,
    address: data.senderSmtpAddress ?? data.senderEmail,
  });
  if (from !== undefined) message.from = from;
  const date = data.messageDeliveryTime ?? data.clientSubmitTime;
  if (date !== undefined) message.date = new Date(date).toISOString();
  if (data.body !== undefined) message.text = data.body;
  if (data.bodyHtml !== undefined) message.html = data.bodyHtml;
  return message;
}
