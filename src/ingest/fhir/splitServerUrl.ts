export type SplitServerUrlReturnType = {
  /** The base URL to send requests to: no userinfo, no query, no fragment, no trailing slash. */
  baseUrl: string;
  /** Scheme, host and port only: what reports and messages may name. */
  origin: string;
  /** `Basic …` when the URL carried user:password, else undefined. */
  authorization: string | undefined;
};

/**
 * Splits a FHIR server URL into what requests use and what may be shown. Credentials in the URL
 * (`https://user:pw@host/fhir`) become a basic-auth header and never appear in `baseUrl` or
 * `origin`; a query or fragment is dropped (a base URL has none, and they may carry tokens).
 *
 * @example
 * splitServerUrl('https://u:p@fhir.example.org/r4/?token=x');
 * // { baseUrl: 'https://fhir.example.org/r4', origin: 'https://fhir.example.org', authorization: 'Basic dTpw' }
 */
export function splitServerUrl(url: string): SplitServerUrlReturnType {
  const u = new URL(url);
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  const authorization =
    user || password ? `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` : undefined;
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  const baseUrl = u.href.replace(/\/+$/, '');
  return { baseUrl, origin: u.origin, authorization };
}
