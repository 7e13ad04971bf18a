export interface ParseOptions {
  /**
   * Passwords to try on encrypted PDFs, in order, after the empty user password. Configured
   * by the user; never logged and never stored in the parsed document.
   */
  passwords?: string[];
}
