// Loaded with --require into mnemo's model worker by network.test.ts (bundled beside it as
// network-probe.js): installs the network tripwire in the worker thread and appends every
// connection attempt, as one JSON line, to the file named by MNEMO_NETWORK_LOG. Its first line says
// the probe is in place, so the test knows the worker was watched.
import * as fs from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import { installNetworkGuard } from '../harness/network-guard';

const log = process.env.MNEMO_NETWORK_LOG;
if (log) {
  fs.appendFileSync(log, `${JSON.stringify({ probe: 'installed', thread: isMainThread ? 'main' : `worker ${threadId}` })}\n`);
  installNetworkGuard(attempt => fs.appendFileSync(log, `${JSON.stringify(attempt)}\n`));
}
