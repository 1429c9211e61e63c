/**
 * Child process for bench/load.ts: the AICCS emulator (demo data, the real
 * 80 QPS account-wide bucket), kept out of the measured process. Prints its
 * URL, and its stats when stdin closes.
 */
import { DEMO_CREDENTIALS, createDemoStore, startAiccsEmulator } from '../dev/aiccs';

const emulator = await startAiccsEmulator({ store: createDemoStore(Date.UTC(2026, 10, 24)), credentials: [{ ...DEMO_CREDENTIALS }], requireSecurityToken: true });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  const { requests, ok, throttled, errorsByCode } = emulator.stats;
  process.stdout.write(`${JSON.stringify({ requests, ok, throttled, errorsByCode })}\n`);
  await emulator.close();
  process.exit(0);
});
