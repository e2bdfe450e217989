import { parseArgs } from 'node:util';
import { kamailioUsers, startKamailio } from './kamailio-process';

/**
 * `npx tsx test/kamailio/main.ts [--port 5065]`: Kamailio as a PBX without Tollgate's API for a QA
 * run by hand (docs/qa.md), with the demo extensions' credentials and `alice`. Ctrl+C stops it.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5065' },
    log: { type: 'string', default: 'test-results/kamailio/kamailio.log' },
  },
});

const kamailio = await startKamailio({ port: Number(values.port), logPath: values.log });
console.log(`Kamailio (registrar and proxy, no policy API, no media)
  SIP over WebSocket  ${kamailio.sipWebSocketUrl}
  Log                 ${values.log}
  Users               ${kamailioUsers()
    .map((user) =>
      user.authUser === user.sipUser ? user.sipUser : `${user.sipUser} (auth user ${user.authUser})`,
    )
    .join(', ')}
Press Ctrl+C to stop.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void kamailio.stop().then(() => process.exit(0));
  });
}
