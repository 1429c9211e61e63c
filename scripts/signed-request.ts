/**
 * Calls the query function's HTTP trigger with a signed request, the way
 * internal tools should (the trigger's default authType is `function`):
 *
 *   ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \
 *     npx tsx scripts/signed-request.ts https://<trigger>.<region>.fcapp.run/ '{"instanceId":"ccc_xp_pre-cn-xxxx","pageSize":5}'
 *
 * Credentials come from the @alicloud/credentials default chain (env vars,
 * profiles, ECS role …); the identity needs fc:InvokeFunction on the function.
 */
import { createDefaultChainProvider } from '../lib/credentials/credentials';
import { sendSignedRequest } from '../lib/sdk/signed-request';

const [url, body] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: npx tsx scripts/signed-request.ts <trigger URL> [JSON body]\n');
  process.exit(2);
}
const credentials = await createDefaultChainProvider().getCredentials();
const response = await sendSignedRequest(url, body === undefined ? undefined : JSON.parse(body), credentials, body === undefined ? 'GET' : 'POST');
process.stderr.write(`HTTP ${response.status}\n`);
process.stdout.write(`${await response.text()}\n`);
