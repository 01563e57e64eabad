// An independent OpenID provider (panva's oidc-provider) configured like
// FranceConnect v2 or ProConnect: ES256-signed ID tokens and UserInfo,
// client_secret_post, acr eidas1, the federation's scopes and claims,
// RP-initiated logout. Logins complete at once (no pages) as Marie
// DELESTABLE, or as the agent Paul HOARAU for ProConnect: the tests are
// about the protocol.
//
// Usage: node interop/oidc-provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_URI [franceconnect|proconnect]
import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';

const [port, clientId, clientSecret, redirectUri, postLogoutUri, profile = 'franceconnect'] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'interop-es256', alg: 'ES256', use: 'sig' };

const PROFILES = {
  franceconnect: {
    claims: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username'],
    accountId: 'marie-interop',
    person: {
      given_name: 'Marie', family_name: 'DELESTABLE', birthdate: '1980-07-15', gender: 'female',
      birthplace: '97411', birthcountry: '99100', email: 'marie.delestable@example.org', preferred_username: '',
    },
  },
  // The address as an organisation's provider may spell it (case differs
  // from the role granted in the portal).
  proconnect: {
    claims: ['given_name', 'usual_name', 'email', 'uid', 'siret', 'idp_id', 'organizational_unit', 'phone'],
    accountId: 'paul-interop',
    person: {
      given_name: 'Paul', usual_name: 'HOARAU', email: 'Paul.Hoarau@Justice.example', uid: '7391',
      siret: '11000201100044', idp_id: 'justice-interop', organizational_unit: 'SAUJ', phone: '0262 00 00 00',
    },
  },
};
const { claims: CLAIMS, accountId: ACCOUNT, person: PERSON } = PROFILES[profile];

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
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, ...PERSON }) }),
  cookies: { keys: ['interop-cookie-key'] },
});

// Interactions complete at once: login as the profile's account at eidas1, then
// consent to the scopes and claims asked.
provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (details.prompt.name === 'login') {
      result = { login: { accountId: ACCOUNT, acr: 'eidas1' } };
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
