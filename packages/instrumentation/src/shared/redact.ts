/**
 * The one redaction for secrets in URLs and headers, applied before a URL or a header set
 * reaches a span, a log line, an error message, a report or a terminal.
 *
 * - URL credentials (`user:pass@`) become `REDACTED:REDACTED@` (the OpenTelemetry
 *   convention for `url.full`), and the values of query parameters that carry signatures or
 *   keys become `REDACTED`.
 * - Header values are never shown; only their names.
 */

/** The placeholder that replaces a secret. */
export const REDACTED = 'REDACTED';

const SECRET_QUERY_KEYS = new Set(
  [
    'access_token',
    'api_key',
    'apikey',
    'api-key',
    'auth',
    'authorization',
    'awsaccesskeyid',
    'client_secret',
    'code',
    'key',
    'password',
    'secret',
    'sig',
    'signature',
    'token',
    'x-amz-credential',
    'x-amz-security-token',
    'x-amz-signature',
    'x-goog-credential',
    'x-goog-signature',
  ].map((k) => k.toLowerCase()),
);

/**
 * `url` with credentials and secret query values redacted; a string that is not a URL is
 * returned with anything that looks like `scheme://user:pass@` redacted. A URL with nothing to
 * redact comes back exactly as given (not normalised).
 *
 * @example redactUrl('http://ann:s3cret@prom:9090/api?token=x&q=1')
 *   === 'http://REDACTED:REDACTED@prom:9090/api?token=REDACTED&q=1'
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return String(url).replace(/(\/\/)[^/@\s]*@/g, `$1${REDACTED}:${REDACTED}@`);
  }
  let changed = false;
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = REDACTED;
    parsed.password = REDACTED;
    changed = true;
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.has(key.toLowerCase())) {
      parsed.searchParams.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? parsed.href : typeof url === 'string' ? url : url.href;
}

/** `url` without its credentials, and those credentials as a Basic `Authorization` value. */
export function splitCredentials(url: URL): { url: URL; authorization: string | undefined } {
  if (url.username === '' && url.password === '') return { url, authorization: undefined };
  const bare = new URL(url.href);
  const user = decoded(bare.username);
  const pass = decoded(bare.password);
  bare.username = '';
  bare.password = '';
  return {
    url: bare,
    authorization: `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`,
  };
}

/** Percent-decoded userinfo; kept as written when it is not valid percent-encoding. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The one way a URL's credentials are used: `http://user:pass@host/` becomes the URL without
 * them and an `Authorization: Basic …` header, unless `headers` already sets `Authorization`
 * (in any case), which wins. The returned URL never carries credentials, so it can be
 * shown, logged or put on a span; `redactUrl` is still the way to show the original.
 *
 * @example credentialsAsHeader(new URL('http://ann:s3cret@prom:9090/'), {})
 *   gives { url: http://prom:9090/, headers: { authorization: 'Basic YW5uOnMzY3JldA==' } }
 */
export function credentialsAsHeader(
  url: URL,
  headers: Readonly<Record<string, string>> = {},
): { url: URL; headers: Record<string, string> } {
  const { url: bare, authorization } = splitCredentials(url);
  const given = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  return {
    url: bare,
    headers: authorization === undefined || given ? { ...headers } : { ...headers, authorization },
  };
}

/** Header names that always carry secrets (compared case-insensitively). */
const SECRET_HEADERS =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-honeycomb-team|dd-api-key|signalfx-access-token|lightstep-access-token|x-goog-api-key)$|(token|secret|key|password|credential|auth)/i;

/** Whether a header's value is a secret by its name. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.test(name);
}

/**
 * A header set as it may be shown: every value replaced by `REDACTED` (a header value may be
 * a secret whatever its name), names kept.
 */
export function redactHeaders(
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) out[name] = REDACTED;
  return out;
}
