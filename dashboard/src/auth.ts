// The bearer token every call sends (issue 10: OAuth2 client credentials). It lives in sessionStorage only, so it
// ends with the tab and is never written into a URL. A client secret typed at sign-in stays in this page's memory
// alone, to fetch the next short-lived token shortly before the current one expires.
const KEY = "cycle.dashboard.token";
const RENEW_BEFORE_SECONDS = 30;
let renewal: number | undefined;

export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function rememberToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token.trim());
  else sessionStorage.removeItem(KEY);
}

export function authorization(): Record<string, string> {
  const token = currentToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** RFC 6749 §4.4: exchange a client id and secret at the service's token endpoint for a short-lived token. */
export async function signIn(clientId: string, clientSecret: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret });
  const response = await fetch("/oauth/token", { method: "POST", body });
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (!response.ok || !answer.access_token) {
    throw new Error(answer.error_description ?? `the token endpoint answered ${response.status}`);
  }
  rememberToken(answer.access_token);
  window.clearTimeout(renewal);
  const renewIn = Math.max((answer.expires_in ?? 0) - RENEW_BEFORE_SECONDS, RENEW_BEFORE_SECONDS);
  renewal = window.setTimeout(() => void signIn(clientId, clientSecret).catch(() => undefined), renewIn * 1000);
  return answer.access_token;
}

export function signOut(): void {
  window.clearTimeout(renewal);
  rememberToken(null);
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  error_description?: string;
}
