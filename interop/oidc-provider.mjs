// An independent OpenID provider (panva's oidc-provider) configured like
// FranceConnect v2: ES256-signed ID tokens and UserInfo, client_secret_post,
// acr eidas1, FranceConnect's scopes and claims, RP-initiated logout.
// Logins complete at once as Marie DELESTABLE (no pages): the tests are
// about the protocol.
//
// Usage: node interop/oidc-provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_URI
import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';

const [port, clientId, clientSecret, redirectUri, postLogoutUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'interop-es256', alg: 'ES256', use: 'sig' };

const CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username'];
const MARIE = {
  given_name: 'Marie', family_name: 'DELESTABLE', birthdate: '1980-07-15', gender: 'female',
  birthplace: '97411', birthcountry: '99100', email: 'marie.delestable@example.org', preferred_username: '',
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    userinfo_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [jwk] },
  acrValues: ['eidas1'],
  scopes: ['openid', ...CLAIMS],
  claims: Object.fromEntries([['openid', ['sub']], ...CLAIMS.map((c) => [c, [c]])]),
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource: async (ctx, form) => {
      // Submit the confirmation at once.
      ctx.body = `<!doctype html><html><body>${form}<script>document.forms[0].submit()</script></body></html>`;
    } },
  },
  pkce: { required: () => false },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, ...MARIE }) }),
  cookies: { keys: ['interop-cookie-key'] },
});

// Interactions complete at once: login as "marie-interop" at eidas1, then
// consent to the scopes and claims asked.
provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (details.prompt.name === 'login') {
      result = { login: { accountId: 'marie-interop', acr: 'eidas1' } };
    } else {
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      result = { consent: { grantId: await grant.save() } };
    }
    ctx.respond = false;
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    return;
  }
  await next();
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
