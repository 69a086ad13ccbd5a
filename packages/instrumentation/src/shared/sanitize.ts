/**
 * Text from outside (tool, workflow, check and alert names, error types and messages) on its
 * way to a terminal, a Markdown file or an HTML page. One sanitiser per medium, all with the
 * same visibility rule (control and invisible formatting characters shown as escapes); JSON
 * output is encoded by `JSON.stringify` and round-trips names exactly.
 *
 * Each takes any value: a non-string (a caller's bug, a hostile value) is shown as
 * `String(value)` instead of crashing the renderer.
 */

/**
 * Control and invisible formatting characters that change what a terminal or a reader shows:
 * C0 (newline, ESC, BEL, …), DEL, C1 (CSI as 0x9b), zero-width and bidirectional overrides
 * ("Trojan source"), line and paragraph separators, the BOM.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function visible(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const code = ch.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
}

/**
 * `text` safe to print on a terminal: every control and invisible formatting character is
 * shown as an escape (`\x1b`, `\n`, `\u202e`), so nothing can move the cursor, retitle the
 * window, ring the bell, split a table row or reorder what is shown.
 *
 * @example terminalText('a\u001b]0;owned\u0007b') === 'a\\x1b]0;owned\\x07b'
 */
export function terminalText(text: string): string {
  return asString(text).replace(UNSAFE, visible);
}

/**
 * The first control or invisible formatting character of `text`, as an escape (`\x1b`), or
 * undefined when it has none: for values that are refused rather than escaped.
 *
 * @example unsafeCharacter('api\nx') === '\\n'
 */
export function unsafeCharacter(text: string): string | undefined {
  const m = new RegExp(UNSAFE.source).exec(text);
  return m === null ? undefined : visible(m[0]);
}

/** `String(value)` for a non-string, never throwing (a Proxy, a throwing `toString`). */
function asString(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
};

/**
 * `text` safe as HTML or SVG element content and as a quoted attribute value: control and
 * invisible formatting characters shown as escapes first (as `terminalText`: a raw ESC would
 * run when the file is `cat`, a U+202E would reverse what the browser shows), then `&`, `<`,
 * `>`, `"` and `'` escaped as entities.
 *
 * @example htmlText('\u202e<b>') === '\\u202e&lt;b&gt;'
 */
export function htmlText(text: string): string {
  return terminalText(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * `text` safe as Markdown inline text and inside a table cell: control characters shown as
 * escapes (no line break can start a heading or end a row), every character Markdown or its
 * inline HTML gives meaning to escaped: `\ * _ ` [ ] ( ) # + - ! ~ { } .` by backslash, `<`,
 * `>` and `&` as HTML entities (so no tag or entity survives), and `|` as `&#124;`, so that no
 * renderer sees a pipe in the cell at all (they disagree on whether `\\|` ends a cell).
 *
 * @example markdownText('<img src=x onerror=alert(1)>') === '&lt;img src=x onerror=alert\\(1\\)&gt;'
 * @example markdownText('a|b') === 'a&#124;b'
 */
export function markdownText(text: string): string {
  return terminalText(text)
    .replace(/[\\`*_[\]()#+\-!~{}.]/g, (c) => `\\${c}`)
    .replace(/[&<>|]/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * `text` as a Markdown code span safe inside a table cell: fenced with more backticks than
 * the longest run inside it (so a backtick cannot end it), padded when it starts or ends with
 * one, control characters shown as escapes. A text with a `|` is set as `<code>` around
 * `markdownText` instead: a pipe cannot be escaped inside a code span in a way every table
 * parser agrees on.
 *
 * @example markdownCode('a`b') === '`` a`b ``'
 * @example markdownCode('a|b') === '<code>a&#124;b</code>'
 */
export function markdownCode(text: string): string {
  if (asString(text).includes('|')) return `<code>${markdownText(text)}</code>`;
  const body = terminalText(text);
  let longest = 0;
  for (const run of body.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
