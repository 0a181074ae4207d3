// A local OpenID Connect provider standing in for ID-porten: the OpenID-certified npm package
// `oidc-provider`, configured like ID-porten as Stafettlogg sees it (authorization code + PKCE,
// `pid` and `acr` in the id_token, RP-initiated logout). For the tests and for development only:
// every person it knows is fictional and has a synthetic identity number (month + 80).
//
// Configured from the environment (tests/oidc_provider.py starts it):
//   OIDC_PORT            port to listen on (0: any free port; the chosen one is printed)
//   OIDC_ISSUER          the issuer, default http://127.0.0.1:<port>
//   OIDC_CLIENT_ID       the client id, default stafettlogg
//   OIDC_CLIENT_SECRET   the client secret, default a development marker
//   OIDC_REDIRECT_URIS   space-separated redirect URIs of the client
//   OIDC_POST_LOGOUT_URIS space-separated post-logout redirect URIs
//   OIDC_USERS           JSON list of {"id", "name", "pid"}: the test users offered at login
//   OIDC_JWT_CLIENT_JWKS a JSON JWK Set: adds a second client, "<OIDC_CLIENT_ID>-jwt", that
//                        authenticates at the token endpoint with private_key_jwt (a JWT signed
//                        with the private key of one of these public keys), as ID-porten
//                        clients may
//   OIDC_TEST_SWITCHES   "1" adds POST /test/next-id-token?change=nonce|signature, which
//                        changes the next id_token the token endpoint returns (the tests' way to
//                        produce a wrong nonce, re-signed with the provider's key, and a tampered
//                        id_token whose signature no longer matches)
//
// Prints one line "listening <issuer>" on stdout when ready.

import http from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const LEVELS = ['idporten-loa-substantial', 'idporten-loa-high'];
const env = process.env;
const port = Number(env.OIDC_PORT || 0);
const users = JSON.parse(env.OIDC_USERS || '[]');
const words = (value) => (value || '').split(/\s+/).filter(Boolean);

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function page(title, body) {
  return `<!DOCTYPE html><html lang="nn"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:30rem;margin:1rem auto;padding:0 1rem}
fieldset{margin:1rem 0}label{display:block;padding:.4rem 0}button{font-size:1rem;padding:.5rem 1rem;margin:.25rem 0}</style>
</head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

async function main() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

  const server = http.createServer();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = server.address().port;
  const issuer = env.OIDC_ISSUER || `http://127.0.0.1:${actualPort}`;

  const client = {
    client_id: env.OIDC_CLIENT_ID || 'stafettlogg',
    client_secret: env.OIDC_CLIENT_SECRET || 'development-only-secret',
    client_name: 'Stafettlogg',
    redirect_uris: words(env.OIDC_REDIRECT_URIS),
    post_logout_redirect_uris: words(env.OIDC_POST_LOGOUT_URIS),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    require_auth_time: true,
  };
  const clients = [client];
  if (env.OIDC_JWT_CLIENT_JWKS) {
    const { client_secret: _unused, ...rest } = client;
    clients.push({
      ...rest,
      client_id: `${client.client_id}-jwt`,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks: JSON.parse(env.OIDC_JWT_CLIENT_JWKS),
    });
  }

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signingJwk] },
    acrValues: LEVELS,
    claims: { openid: ['sub', 'pid', 'amr'], profile: ['name'], acr: null, auth_time: null },
    // ID-porten puts pid in the id_token itself.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Logg ut frå test-ID-porten', `${form}
<p><button type="submit" form="op.logoutForm" value="yes" name="logout">Logg ut</button></p>`);
        },
      },
    },
    cookies: { keys: ['local-test-provider-cookie-key'] },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client: the person is not asked to consent to the scopes.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['pid', 'name', 'acr', 'amr', 'auth_time']);
      await grant.save();
      return grant;
    },
    findAccount: async (ctx, id) => {
      const user = users.find((u) => u.id === id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, pid: user.pid, name: user.name }),
      };
    },
  });
  provider.proxy = false;

  // Test switch: change the next id_token the token endpoint returns.
  let nextChange = null;
  if (env.OIDC_TEST_SWITCHES === '1') {
    provider.use(async (ctx, next) => {
      await next();
      if (nextChange && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
        const [header, payload, signature] = ctx.body.id_token.split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        if (nextChange === 'nonce') {
          claims.nonce = 'not-the-nonce-the-client-sent';
          ctx.body = { ...ctx.body, id_token: await new SignJWT(claims)
            .setProtectedHeader(decodeProtectedHeader(ctx.body.id_token))
            .sign(privateKey) };
        } else if (nextChange === 'signature') {
          claims.pid = '0'.repeat(11);
          const changed = Buffer.from(JSON.stringify(claims)).toString('base64url');
          ctx.body = { ...ctx.body, id_token: `${header}.${changed}.${signature}` };
        }
        nextChange = null;
      }
    });
  }

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    try {
      if (env.OIDC_TEST_SWITCHES === '1' && url.pathname === '/test/next-id-token'
          && req.method === 'POST') {
        nextChange = url.searchParams.get('change');
        res.writeHead(204).end();
        return;
      }
      const match = url.pathname.match(/^\/interaction\/([\w-]+)(\/(login|cancel))?$/);
      if (!match) {
        callback(req, res);
        return;
      }
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        const options = users.map((u, i) => `<label><input type="radio" name="user" value="${escape(u.id)}"${i === 0 ? ' checked' : ''}> ${escape(u.name)} (${escape(u.pid)})</label>`).join('');
        const levels = LEVELS.map((level) => `<label><input type="radio" name="acr" value="${level}"${level === 'idporten-loa-high' ? ' checked' : ''}> ${level}</label>`).join('');
        const body = `<p>Lokal test-ID-porten. Vel ein testperson og eit sikkerheitsnivå.</p>
<p>Spurt om: ${escape(details.prompt.name)}; ui_locales: ${escape(details.params.ui_locales || '')}</p>
<form method="post" action="/interaction/${details.uid}/login">
<fieldset><legend>Testperson</legend>${options}</fieldset>
<fieldset><legend>Sikkerheitsnivå (acr)</legend>${levels}</fieldset>
<button type="submit">Logg inn</button></form>
<form method="post" action="/interaction/${details.uid}/cancel"><button type="submit">Avbryt</button></form>`;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('Logg inn med test-ID-porten', body));
        return;
      }
      if (req.method === 'POST' && match[3] === 'cancel') {
        await provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'The user cancelled the login.',
        }, { mergeWithLastSubmission: false });
        return;
      }
      if (req.method === 'POST' && match[3] === 'login') {
        const form = await readForm(req);
        const user = users.find((u) => u.id === form.get('user'));
        const acr = LEVELS.includes(form.get('acr')) ? form.get('acr') : LEVELS[0];
        if (!user) {
          res.writeHead(400).end('unknown test user');
          return;
        }
        await provider.interactionFinished(req, res, {
          login: { accountId: user.id, acr, amr: ['TestID'], remember: false },
        }, { mergeWithLastSubmission: false });
        return;
      }
      res.writeHead(405).end();
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error && error.message));
    }
  });
  process.stdout.write(`listening ${issuer}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
