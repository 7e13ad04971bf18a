/**
 * HTML character references. Numeric ones are complete (with the HTML5 rule that 0x80-0x9F
 * mean windows-1252 characters); named ones cover the HTML 4 set plus common HTML5 names, not
 * all 2231: an unknown name is left as written, which is what a reader would see anyway.
 */
import { WINDOWS_1252_HIGH } from "../detect/windows-1252.js";

const LATIN1_NAMES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 " +
  "acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml " +
  "Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde " +
  "Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig " +
  "ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide " +
  "oslash ugrave uacute ucirc uuml yacute thorn yuml";

const GREEK_UPPER =
  "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho - Sigma Tau Upsilon Phi Chi Psi Omega";
const GREEK_LOWER =
  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi psi omega";

const OTHERS =
  "quot:34 amp:38 apos:39 lt:60 gt:62 Tab:9 NewLine:10 excl:33 num:35 dollar:36 percnt:37 lpar:40 rpar:41 " +
  "ast:42 plus:43 comma:44 period:46 sol:47 colon:58 semi:59 equals:61 quest:63 commat:64 lsqb:91 bsol:92 " +
  "rsqb:93 Hat:94 lowbar:95 grave:96 lcub:123 verbar:124 vert:124 rcub:125 OElig:338 oelig:339 Scaron:352 " +
  "scaron:353 Yuml:376 fnof:402 circ:710 tilde:732 thetasym:977 upsih:978 piv:982 ensp:8194 emsp:8195 " +
  "thinsp:8201 zwnj:8204 zwj:8205 lrm:8206 rlm:8207 hyphen:8208 dash:8208 ndash:8211 mdash:8212 lsquo:8216 " +
  "rsquo:8217 sbquo:8218 ldquo:8220 rdquo:8221 bdquo:8222 dagger:8224 Dagger:8225 bull:8226 hellip:8230 " +
  "mldr:8230 permil:8240 prime:8242 Prime:8243 lsaquo:8249 rsaquo:8250 oline:8254 frasl:8260 euro:8364 " +
  "image:8465 weierp:8472 real:8476 trade:8482 alefsym:8501 larr:8592 uarr:8593 rarr:8594 darr:8595 " +
  "harr:8596 crarr:8629 lArr:8656 uArr:8657 rArr:8658 dArr:8659 hArr:8660 forall:8704 part:8706 exist:8707 " +
  "empty:8709 nabla:8711 isin:8712 notin:8713 ni:8715 prod:8719 sum:8721 minus:8722 lowast:8727 radic:8730 " +
  "prop:8733 infin:8734 ang:8736 and:8743 or:8744 cap:8745 cup:8746 int:8747 there4:8756 sim:8764 cong:8773 " +
  "asymp:8776 ne:8800 equiv:8801 le:8804 ge:8805 sub:8834 sup:8835 nsub:8836 sube:8838 supe:8839 " +
  "oplus:8853 otimes:8855 perp:8869 sdot:8901 lceil:8968 rceil:8969 lfloor:8970 rfloor:8971 lang:10216 " +
  "rang:10217 loz:9674 spades:9824 clubs:9827 hearts:9829 diams:9830 starf:9733 star:9734 check:10003 cross:10007";

function buildTable(): Map<string, string> {
  const table = new Map<string, string>();
  LATIN1_NAMES.split(" ").forEach((name, i) => table.set(name, String.fromCharCode(160 + i)));
  GREEK_UPPER.split(" ").forEach(
    (name, i) => name !== "-" && table.set(name, String.fromCharCode(913 + i)),
  );
  GREEK_LOWER.split(" ").forEach((name, i) => table.set(name, String.fromCharCode(945 + i)));
  for (const pair of OTHERS.split(" ")) {
    const [name, code] = pair.split(":");
    if (name && code) table.set(name, String.fromCodePoint(Number(code)));
  }
  return table;
}

const NAMED = buildTable();

/** Names browsers still accept without the semicolon, e.g. "AT&T" or "&copy 2024". */
const LEGACY = new Set(["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"]);

function fromCodePoint(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  // 0x80-0x9F in a numeric reference mean what windows-1252 puts there (HTML5 tokenizer rules).
  return String.fromCodePoint(WINDOWS_1252_HIGH[code] ?? code);
}

const REFERENCE = /&(?:#(\d{1,8});?|#[xX]([0-9a-fA-F]{1,8});?|([A-Za-z][A-Za-z0-9]{0,31})(;?))/g;

export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(
    REFERENCE,
    (whole, dec?: string, hex?: string, name?: string, semi?: string) => {
      if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10));
      if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
      if (name === undefined) return whole;
      if (semi === "" && !LEGACY.has(name)) return whole;
      return NAMED.get(name) ?? whole;
    },
  );
}
