/**
 * E-mail messages written the way mail clients write them, for tests of the e-mail parser and of
 * attachments: multipart/mixed with a text body and base64 attachments.
 */

export interface Attachment {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/mixed message with a text body and base64 attachments, as mail clients send. */
export function mimeMessage(subject: string, body: string, attachments: Attachment[]): string {
  const boundary = "=_docindex_boundary";
  const lines = [
    "From: Ada <ada@example.org>",
    "To: Bob <bob@example.org>",
    `Subject: ${subject}`,
    "Date: Tue, 01 Dec 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
  ];
  for (const a of attachments) {
    lines.push(
      `--${boundary}`,
      `Content-Type: ${a.type}; name="${a.name}"`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; filename="${a.name}"`,
      "",
      ...(a.bytes.toString("base64").match(/.{1,76}/g) ?? []),
    );
  }
  lines.push(`--${boundary}--`, "");
  return lines.join("\r\n");
}
