// workerd: the probe as a Worker module (bundled by esbuild). POST {gateways, apiKey} → the probe's JSON.
import { probe } from './probe.js'

export default {
  async fetch(request) {
    const { gateways, apiKey } = await request.json()
    return Response.json(await probe(gateways, apiKey))
  },
}
