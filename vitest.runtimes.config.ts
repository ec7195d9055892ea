// The runtime suite (issue #11): the packed package under Node 20/22/24, Bun, Deno and workerd, against the
// local gateway, in all five dialects. `npm run test:runtimes`; the global setup prints the table at the end.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The probe imports `gemini-gateways`: here (the reference run) that is this repo's sources; the runtimes get the installed package.
  resolve: { alias: [{ find: /^gemini-gateways$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['test/runtimes/**/*.test.ts'],
    globalSetup: ['test/runtimes/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    silent: false,
  },
})
