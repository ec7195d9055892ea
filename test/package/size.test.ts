// CI keeps each provider entry small: what an app loads up front (the entry and the chunks it imports
// statically, esbuild --bundle --minify --splitting, gzip -9) stays within 15 KB. `npm run bench` reports the
// figures; this only enforces the limit.
import { describe, expect, it } from 'vitest'
import { providers } from '../../generated/registry.ts'
import { TARGET_GZIP, bundle } from '../../bench/size.ts'
import { clientModule } from '../../scripts/lib/registry-emit.ts'
import { ROOT } from '../support/packed-package.ts'

describe('bundle size of each provider entry', () => {
  it.each(providers)('%s loads at most 15 KB gzip up front', async (provider) => {
    // Its provider file, or the client generated for a gateway without one.
    const built = await bundle(clientModule(ROOT, provider).file, { splitting: true, outdir: `/tmp/gemini-gateways-size-${provider}` })
    console.log(`${provider}: ${(built.gzip / 1024).toFixed(1)} KB gzip up front, ${(built.lazyGzip / 1024).toFixed(1)} KB on demand`)
    expect(built.gzip).toBeGreaterThan(1024) // the build really contains the client
    expect(built.gzip).toBeLessThanOrEqual(TARGET_GZIP)
  })
})
