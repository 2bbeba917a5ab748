// PullImage's AuthConfig as registry credentials. The kubelet sends what it found in the pod's
// image pull secrets: a user name and password, or Docker's "auth" (base64 "user:password"), or
// tokens. Nothing given means the registries.authFile entry for the host, if any (pull-image.ts).

import type { RegistryCredentials } from '../registry/registry-auth.ts';
import type { AuthConfig__Output } from './generated/types/runtime/v1/AuthConfig.ts';
import { invalidField } from './status.ts';

export function credentialsFromAuthConfig(auth: AuthConfig__Output | null | undefined): RegistryCredentials | undefined {
  if (!auth) return undefined;
  let { username, password } = auth;
  if (auth.auth !== '' && username === '' && password === '') {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw invalidField('auth.auth', 'must be base64 of "user:password"');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const credentials: RegistryCredentials = {
    ...(username !== '' ? { username } : {}),
    ...(password !== '' ? { password } : {}),
    ...(auth.identity_token !== '' ? { identityToken: auth.identity_token } : {}),
    ...(auth.registry_token !== '' ? { registryToken: auth.registry_token } : {}),
  };
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}
