// A real OpenID Connect provider (npm oidc-provider) for the tests, on loopback.
//
//   node oidc_provider.mjs [--port N] [--config file.json]
//
// The configuration is JSON, from --config or the env var OIDC_IDP_CONFIG:
//   {"port": 0, "clients": [{"client_id", "client_secret", "redirect_uris": [...],
//     "token_endpoint_auth_method"?}], "users": [{"email", "name"?, "given_name"?,
//     "family_name"?, "groups"?: [...], "email_verified"?, "sub"?}]}
// Port 0 (the default) takes a free one. When listening it prints one JSON line on stdout:
//   {"ready": true, "issuer": "http://127.0.0.1:PORT"}
// Its own login page (devInteractions) takes a user's email (or sub) and any password, and
// refuses anyone else (access_denied); consent is given at once, as a first-party provider does. REVANS_TEST_CLOCK_SHIFT (seconds) moves its
// clock with the suite's (revans/tests/clock.py), so tokens are fresh on the suite's today.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const shift = Number(process.env.REVANS_TEST_CLOCK_SHIFT || 0) * 1000;
if (shift) {
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [RealDate.now() + shift]));
    }

    static now() {
      return RealDate.now() + shift;
    }
  };
}
// Imported after the clock is set, so the provider and jose read the shifted one.
const { default: Provider } = await import('oidc-provider');

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, config: { type: 'string' } },
});
const config = JSON.parse(
  args.config ? readFileSync(args.config, 'utf8') : process.env.OIDC_IDP_CONFIG || '{}',
);
const host = '127.0.0.1';
const port = Number(args.port ?? config.port ?? 0);

const users = (config.users || []).map((user) => {
  const [given, ...family] = (user.name || '').split(' ');
  return {
    sub: user.sub || user.email,
    email: user.email,
    email_verified: user.email_verified ?? true,
    name: user.name || [user.given_name, user.family_name].filter(Boolean).join(' '),
    given_name: user.given_name || given || undefined,
    family_name: user.family_name || family.join(' ') || undefined,
    groups: user.groups || [],
  };
});
const find = (id) => users.find(
  (user) => user.sub === id || user.email.toLowerCase() === String(id).toLowerCase(),
);

// Bind first: the issuer names the port, which is only known once listening.
const server = createServer();
await new Promise((resolve) => { server.listen(port, host, resolve); });
const issuer = `http://${host}:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  clients: (config.clients || []).map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // allauth posts its secret in the body when the provider offers that method.
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  })),
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'revans-tests', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    groups: ['groups'],
  },
  // The scopes' claims go into the ID token too, not only to the userinfo endpoint.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  ttl: {
    AccessToken: 3600, AuthorizationCode: 600, IdToken: 3600, Grant: 3600, Interaction: 3600,
    Session: 3600,
  },
  async findAccount(ctx, id) {
    const user = find(id);
    if (!user) return undefined;
    return {
      accountId: user.sub,
      async claims() {
        return { ...user };
      },
    };
  },
  // Consent without asking: every scope and claim the client asks for is granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      accountId: ctx.oidc.session.accountId,
      clientId: ctx.oidc.client.clientId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    if (ctx.oidc.params.claims) {
      grant.addOIDCClaims(Object.values(JSON.parse(ctx.oidc.params.claims)).flatMap(Object.keys));
    }
    await grant.save();
    return grant;
  },
});
// The built-in login page takes any login: a known user signs in as their sub, anyone else is
// refused, and the client hears access_denied (as from a provider that turned them away).
const finish = provider.interactionFinished.bind(provider);
provider.interactionFinished = (req, res, result, options) => {
  if (result.login) {
    const user = find(result.login.accountId);
    if (user) {
      result.login.accountId = user.sub;
    } else {
      return finish(req, res, { error: 'access_denied', error_description: 'unknown user' }, options);
    }
  }
  return finish(req, res, result, options);
};
// Errors are otherwise only shown to the browser: keep them in the log the harness reports.
provider.on('server_error', (ctx, error) => console.error('server_error', error));
server.on('request', provider.callback());

process.stdout.write(`${JSON.stringify({ ready: true, issuer })}\n`);
