// `npm run test:setup`: install what the integration tests need (see tools.ts) and nothing else.
import { ensureTools } from './tools';

try {
  ensureTools({ browser: true });
  console.log('[tools] ready');
} catch (e) {
  console.error(`[tools] ${(e as Error).message}`);
  process.exit(1);
}
