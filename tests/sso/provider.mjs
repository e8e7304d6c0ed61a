// A real OpenID provider for the single sign-on tests: the certified `oidc-provider`
// package (installed by `make system-deps` under .venv/npm), on loopback.
//
// Settings come from the environment, so the tests decide everything:
//   OIDC_PROVIDER_MODULE  path of oidc-provider's lib/index.js (ES modules ignore NODE_PATH)
//   OIDC_PORT             port on 127.0.0.1; the issuer is http://127.0.0.1:PORT
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   the one client (Kennisbank)
//   OIDC_ACCOUNTS         JSON {login: {email, email_verified, name}}: the test accounts
//
// The provider's own development interactions do the login and consent pages: a login
// form (any password; the login names the account) and a consent form. Unknown logins
// find no account and the provider refuses them. PKCE is required for the client, as
// a hardened deployment would require it. "ready <issuer>" on stdout means it listens.
import { pathToFileURL } from 'node:url';

const { default: Provider } = await import(pathToFileURL(process.env.OIDC_PROVIDER_MODULE).href);

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['kennisbank-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
