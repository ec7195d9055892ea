// Node, Bun and Deno: `<runtime> cli.js '<json of dialect → gateway URL>' <api key>` prints the probe's JSON.
// With `--own-gateway <dialects...>` it starts the local gateways itself, in this runtime, from the installed
// `gemini-gateways/local-gateway`, and adds what each gateway recorded.
import { probe } from './probe.js'

const args = typeof globalThis.Deno !== 'undefined' ? globalThis.Deno.args : globalThis.process.argv.slice(2)

if (args[0] === '--own-gateway') {
  const { LOCAL_GATEWAY_API_KEY, startLocalGateway } = await import('gemini-gateways/local-gateway')
  const gateways = await Promise.all(args.slice(1).map((provider) => startLocalGateway({ provider })))
  try {
    const result = await probe(Object.fromEntries(gateways.map((gw) => [gw.provider, gw.url])), LOCAL_GATEWAY_API_KEY)
    result.gatewayRequests = Object.fromEntries(gateways.map((gw) => [gw.provider, gw.requests.map((r) => `${r.method} ${r.path}`)]))
    console.log(JSON.stringify(result))
  } finally {
    await Promise.all(gateways.map((gw) => gw.close()))
  }
} else {
  console.log(JSON.stringify(await probe(JSON.parse(args[0]), args[1])))
}
