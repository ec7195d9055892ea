#!/usr/bin/env node
/**
 * The `gemini-gateways` command: `ask` a model through Google or a gateway, list `models`, or `serve` the
 * local gateway. {@link main} takes its arguments and streams as parameters, so tests run it in-process.
 * @module
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigurationError, TimeoutError, UserAbortError } from '../core/errors.ts'
import { raiseHint } from '../core/internal/text.ts'
import { mergeChunks, text } from '../core/response.ts'
import { isPromptVerdict } from '../core/answer.ts'
import type { CallOptions, GenerateContentParams, GenerateContentResponse, Model } from '../core/types.ts'
import { registry } from '../../generated/registry.ts'
import { createClient, providers, type Provider } from '../index.ts'
import type { LocalGateway } from '../local-gateway/index.ts'
import { commandName, nearest } from './hints.ts'
import { packageInfo } from './package-info.ts'
import { startProgress, type CliOutput } from './progress.ts'

export type { CliOutput } from './progress.ts'

/** What {@link main} reads and writes instead of `process`. */
export interface CliIO {
  stdout: CliOutput
  stderr: CliOutput
  /** Where API keys are read from. */
  env: Record<string, string | undefined>
  /** Read by `ask -`. */
  stdin?: AsyncIterable<string | Uint8Array>
  /** Aborting it cancels a request in flight (exit 130) and stops `serve` (exit 0). Defaults to SIGINT/SIGTERM for `serve`. */
  signal?: AbortSignal
}

/** Exit codes of {@link main}. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const

const DEFAULT_PROVIDER: Provider = 'google'
const DEFAULT_MODEL = 'gemini-2.5-flash'

/** `accountId` → `account-id`: a provider option as a flag. */
const flagOf = (option: string): string => option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/**
 * The options providers' specs define that fill their base URL (cloudflare's `accountId`, `gatewayId`), as flags
 * (`--account-id`, `--gateway-id`), from the registry. Credentials (its gateway token) come from the environment only.
 */
const URL_FLAGS: Record<string, string> = Object.fromEntries(
  providers.flatMap((p) => (registry[p].urlOptions as readonly { option: string }[]).map((u) => [flagOf(u.option), u.option])),
)

const OPTIONS = {
  provider: { type: 'string', short: 'p' },
  model: { type: 'string', short: 'm' },
  stream: { type: 'boolean', short: 's' },
  json: { type: 'boolean' },
  system: { type: 'string' },
  'base-url': { type: 'string' },
  'api-version': { type: 'string' },
  timeout: { type: 'string' },
  local: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  ...Object.fromEntries(Object.keys(URL_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
} as const

/** A flag's name; the URL flags come from the registry, so their names are strings here. */
type OptionName = keyof typeof OPTIONS | string
type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean } & Record<string, string | boolean | undefined>

const COMMANDS: Record<'ask' | 'models' | 'serve', readonly OptionName[]> = {
  ask: ['provider', 'model', 'stream', 'json', 'system', 'base-url', 'api-version', 'timeout', 'local', ...Object.keys(URL_FLAGS)],
  models: ['provider', 'json', 'base-url', 'api-version', 'timeout', 'local', ...Object.keys(URL_FLAGS)],
  serve: ['provider', 'port', 'host'],
}
type Command = keyof typeof COMMANDS

/** The text `--help` prints. */
export function usage(): string {
  const keys = providers.map((p) => `${p} ${registry[p].envKey}`).join(', ')
  const lists = providers.filter(hasModelList).join(', ')
  const urlFlags = Object.keys(URL_FLAGS)
    .map((flag) => `[--${flag} ID]`)
    .join(' ')
  const idProviders = providers.filter((p) => registry[p].urlOptions.length > 0)
  const tokens = providers.flatMap((p) => (registry[p].credentials as readonly { env?: string; header: string }[]).map((c) => `${p} ${c.env} (${c.header})`))
  return `gemini-gateways ${packageInfo().version}: Gemini generateContent through Google or a gateway that resells it

Usage:
  gemini-gateways ask <prompt> [-p P] [-m M] [--stream] [--json] [--system TEXT] [--timeout S] [--api-version V] [--base-url URL | --local]${urlFlags ? ` ${urlFlags}` : ''}
  gemini-gateways models [-p P] [--json] [--timeout S] [--api-version V] [--base-url URL | --local]${urlFlags ? ` ${urlFlags}` : ''}
  gemini-gateways serve [-p P] [--port N] [--host H]
  gemini-gateways --help | --version

Commands:
  ask       send one prompt and print the answer (a prompt of - is read from stdin)
  models    list the model ids a provider serves (${lists})
  serve     serve the local gateway (a fake provider on loopback) until Ctrl-C

Options:
  -p, --provider P    ${providers.join(', ')} (default ${DEFAULT_PROVIDER})
  -m, --model M       model id (default ${DEFAULT_MODEL})
  -s, --stream        print the answer as it arrives
      --json          print the response JSON (with --stream: one chunk per line)
      --system TEXT   system instruction
      --base-url URL  send requests to URL instead of the provider's host
      --api-version V v1beta (default) or v1, as the provider names them (Vertex AI: v1beta1, v1)
${Object.keys(URL_FLAGS)
  .map((flag) => `      ${`--${flag} ID`.padEnd(16)}${idProviders.join(', ')}: fills the host's {${flag.replace(/-/g, '_')}} (or put it in --base-url)\n`)
  .join('')}      --timeout S     seconds to wait for an answer (default 600 for ask, 30 for models)
      --local          answer from an in-process local gateway: no key, no network
      --port N        serve: port to listen on (default 0: any free port)
      --host H        serve: interface to bind (default 127.0.0.1)
  -h, --help          show this help
  -v, --version       print the version

API keys come from the environment: ${keys}.${tokens.length ? `\nGateway tokens too: ${tokens.join(', ')}; with keys stored in the gateway the token alone will do.` : ''}

Exit codes: 0 success, 1 the request failed (API, HTTP or network error), 2 usage or setup error, 130 interrupted.
`
}

/** A mistake in the command line or the setup: one line on stderr, exit 2. */
class UsageError extends Error {}

/**
 * Runs the CLI with `argv` (arguments after the script name) and returns the exit code. Never throws, never prints a
 * stack: failures are one `error: ...` line on stderr.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let secrets: string[] = []
  const cmd = commandName(io.env)
  try {
    const { command, values, prompt } = parse(argv, cmd)
    if (values.help) {
      io.stdout.write(usage())
      return EXIT.ok
    }
    if (values.version) {
      io.stdout.write(`${packageInfo().version}\n`)
      return EXIT.ok
    }
    if (command === undefined) {
      io.stderr.write(usage())
      return EXIT.usage
    }
    const provider = providerOf(values)
    if (command === 'serve') return await serveLocalGateway(provider, values, io, cmd)
    if (command === 'models' && !hasModelList(provider)) {
      throw new UsageError(`${provider} has no model list (providers with one: ${providers.filter(hasModelList).join(', ')})`)
    }
    const target = await connect(provider, values, io, cmd)
    secrets = target.secrets
    try {
      return command === 'ask' ? await ask(target.client, provider, values, prompt, io) : await listModels(target.client, values, io)
    } finally {
      await target.close()
    }
  } catch (error) {
    io.stderr.write(errorLine(error, secrets))
    if (error instanceof UsageError || error instanceof ConfigurationError) return EXIT.usage
    if (error instanceof UserAbortError) return EXIT.interrupted
    return EXIT.failed
  }
}

function parse(argv: string[], cmd: string): { command: Command | undefined; values: Values; prompt: string[] } {
  checkFlags(argv, cmd)
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see ${cmd} --help)`)
  }
  const values = parsed.values as Values
  const [name, ...rest] = parsed.positionals
  if (values.help || values.version) return { command: undefined, values, prompt: [] }
  if (name === undefined) return { command: undefined, values, prompt: [] }
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "${name}" (expected ${Object.keys(COMMANDS).join(', ')}; see ${cmd} --help)`)
  const command = name as Command
  const allowed = COMMANDS[command]
  for (const option of Object.keys(values) as OptionName[]) {
    if (!allowed.includes(option)) throw new UsageError(`--${option} does not apply to ${command} (see ${cmd} --help)`)
  }
  if (command === 'ask' && rest.join('').trim() === '') throw new UsageError(`ask needs a prompt, e.g. ${cmd} ask "Hello" (or - to read it from stdin)`)
  if (command !== 'ask' && rest.length > 0) throw new UsageError(`${command} takes no arguments, got "${rest.join(' ')}"`)
  if (values.local && values['base-url'] !== undefined) throw new UsageError('--local and --base-url do not go together: --local starts its own gateway')
  timeoutOf(values.timeout)
  const apiVersion = values['api-version']
  if (apiVersion !== undefined && apiVersion !== 'v1beta' && apiVersion !== 'v1')
    throw new UsageError(`--api-version must be v1beta or v1, got "${apiVersion}"`)
  return { command, values, prompt: rest }
}

/** `--timeout` in seconds (fractions allowed) as milliseconds; absent: the client's defaults. */
function timeoutOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const seconds = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0)) throw new UsageError(`--timeout must be a number of seconds above 0, got "${text}"`)
  return seconds * 1000
}

/** Per-call options: the interrupt signal and `--timeout`. */
function callOptions(values: Values, io: CliIO): CallOptions {
  const timeoutMs = timeoutOf(values.timeout)
  return { ...(io.signal && { signal: io.signal }), ...(timeoutMs !== undefined && { timeoutMs }) }
}

/**
 * Rejects an unknown flag before `parseArgs` does, naming the flags that exist and the nearest one
 * (`--provder` → `--provider`). Stops at `--`: what follows is prompt text.
 */
function checkFlags(argv: string[], cmd: string): void {
  const long = Object.keys(OPTIONS)
  const short = Object.values(OPTIONS).flatMap((o) => ('short' in o ? [o.short] : []))
  for (const arg of argv) {
    if (arg === '--') return
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] ?? ''
      if (long.includes(name)) continue
      const guess = nearest(name, long)
      throw new UsageError(
        `unknown flag --${name}${guess ? ` (did you mean --${guess}?)` : ''}; flags: ${long.map((f) => `--${f}`).join(', ')} (see ${cmd} --help)`,
      )
    }
    if (/^-[^-\d]/.test(arg)) {
      // A cluster like -sp: every letter must be a short flag.
      for (const letter of arg.slice(1)) {
        if (short.includes(letter as never)) break // the rest may be the flag's value (-pnordlys)
        throw new UsageError(`unknown flag -${letter}; short flags: ${short.map((f) => `-${f}`).join(', ')} (see ${cmd} --help)`)
      }
    }
  }
}

function providerOf(values: Values): Provider {
  const name = values.provider ?? DEFAULT_PROVIDER
  if (!(providers as readonly string[]).includes(name)) throw new UsageError(`unknown provider "${name}" (expected one of ${providers.join(', ')})`)
  return name as Provider
}

function hasModelList(provider: Provider): boolean {
  return (registry[provider].operations as readonly string[]).includes('listModels')
}

/** The operations the CLI uses, common to every provider's client (`listModels` where the provider has it). */
interface CliClient {
  generateContent(params: GenerateContentParams, options?: CallOptions): Promise<GenerateContentResponse>
  streamGenerateContent(params: GenerateContentParams, options?: CallOptions): AsyncGenerator<GenerateContentResponse>
  listModels?(options?: CallOptions): AsyncGenerator<Model>
}

interface Target {
  client: CliClient
  /** What an error line must never show: the key, and any gateway token. */
  secrets: string[]
  close(): Promise<void>
}

/** The client options the flags and the environment give, besides the key: API version, URL ids, gateway tokens. */
function providerOptions(provider: Provider, values: Values, env: CliIO['env']): Record<string, string> {
  const out: Record<string, string> = {}
  if (values['api-version'] !== undefined) out.apiVersion = values['api-version']
  for (const [flag, option] of Object.entries(URL_FLAGS)) {
    const value = values[flag]
    if (typeof value === 'string') out[option] = value
  }
  for (const c of registry[provider].credentials as readonly { option: string; env?: string }[]) {
    const value = c.env === undefined ? undefined : env[c.env]?.trim()
    if (value) out[c.option] = value
  }
  return out
}

/** A client for the real provider (key from the environment), or for an in-process local gateway with `--local`. */
async function connect(provider: Provider, values: Values, io: CliIO, cmd: string): Promise<Target> {
  if (values.local) {
    // Loaded on demand: most runs never need the gateway.
    const { LOCAL_GATEWAY_API_KEY, startLocalGateway } = await import('../local-gateway/index.ts')
    const gateway = await startLocalGateway({ provider })
    const apiVersion = values['api-version'] as 'v1beta' | 'v1' | undefined
    const client = createClient({ provider, apiKey: LOCAL_GATEWAY_API_KEY, baseUrl: gateway.url, ...(apiVersion && { apiVersion }) }) as unknown as CliClient
    return { client, secrets: [LOCAL_GATEWAY_API_KEY], close: () => gateway.close() }
  }
  const variable = registry[provider].envKey
  const key = io.env[variable]?.trim()
  const own = providerOptions(provider, values, io.env)
  // With keys stored in the gateway, its token alone will do (cloudflare), where its spec says so.
  const credentials = registry[provider].credentials as readonly { option: string; env?: string }[]
  const keyless = registry[provider].keyOptional && credentials.every((c) => own[c.option] !== undefined)
  if (!key && !keyless) {
    const alone = registry[provider].keyOptional ? ` (or ${credentials.map((c) => c.env).join(' and ')} alone)` : ''
    throw new UsageError(
      `no API key for ${provider}: set ${variable}${alone}, or try the local gateway: add --local, or run ${cmd} serve --provider ${provider}`,
    )
  }
  const options = { provider, ...(key && { apiKey: key }), ...own, ...(values['base-url'] !== undefined && { baseUrl: values['base-url'] }) }
  const client = createClient(options as Parameters<typeof createClient>[0]) as unknown as CliClient
  return { client, secrets: [key ?? '', ...credentials.map((c) => own[c.option] ?? '')].filter((s) => s !== ''), close: async () => {} }
}

async function ask(client: CliClient, provider: Provider, values: Values, words: string[], io: CliIO): Promise<number> {
  const prompt = words.length === 1 && words[0] === '-' ? await readAll(io.stdin) : words.join(' ')
  if (prompt.trim() === '') throw new UsageError('the prompt read from stdin is empty')
  const model = values.model ?? DEFAULT_MODEL
  const request: GenerateContentParams = {
    model,
    contents: [{ role: 'user', parts: [{ text: prompt }] }],
    ...(values.system !== undefined && { systemInstruction: { parts: [{ text: values.system }] } }),
  }
  const call = callOptions(values, io)
  const progress = startProgress(
    io.stderr,
    `waiting for ${provider} (${model})…`,
    values.stream ? `waiting for the first token from ${provider} (${model})…` : undefined,
  )
  // Set while stdout holds text without its final newline: an error line must not be glued to it.
  let openLine = false
  try {
    if (!values.stream) {
      const response = await client.generateContent(request, call)
      progress.stop()
      if (values.json) {
        io.stdout.write(`${JSON.stringify(response, null, 2)}\n`)
        return EXIT.ok
      }
      const answer = text(response)
      if (answer === '') return explainEmpty(response, provider, io)
      io.stdout.write(answer.endsWith('\n') ? answer : `${answer}\n`)
      return EXIT.ok
    }
    const chunks: GenerateContentResponse[] = []
    let printed = false
    for await (const chunk of client.streamGenerateContent(request, call)) {
      chunks.push(chunk)
      if (values.json) {
        progress.stop()
        io.stdout.write(`${JSON.stringify(chunk)}\n`)
        continue
      }
      const piece = text(chunk)
      if (piece === '') continue
      progress.stop()
      io.stdout.write(piece)
      printed = true
      openLine = !piece.endsWith('\n')
    }
    progress.stop()
    if (values.json) return EXIT.ok
    if (!printed) return explainEmpty(mergeChunks(chunks), provider, io)
    if (openLine) io.stdout.write('\n')
    return EXIT.ok
  } catch (error) {
    progress.stop()
    if (openLine) io.stdout.write('\n')
    throw error
  }
}

/** An answer without text is not an error unless the prompt was blocked; either way, say why on stderr. */
function explainEmpty(response: GenerateContentResponse, provider: Provider, io: CliIO): number {
  if (isPromptVerdict(response.promptFeedback)) {
    const why = response.promptFeedback?.blockReason ?? response.promptFeedback?.blockReasonMessage
    io.stderr.write(`error: ${provider}: the prompt was blocked (${why})\n`)
    return EXIT.failed
  }
  const reason = response.candidates?.[0]?.finishReason
  io.stderr.write(`note: ${provider}: the answer has no text${reason === undefined ? '' : ` (finishReason ${reason})`}\n`)
  return EXIT.ok
}

async function listModels(client: CliClient, values: Values, io: CliIO): Promise<number> {
  if (!client.listModels) throw new UsageError('this provider has no model list')
  const models: Model[] = []
  for await (const model of client.listModels(callOptions(values, io))) models.push(model)
  if (values.json) {
    io.stdout.write(`${JSON.stringify(models, null, 2)}\n`)
    return EXIT.ok
  }
  // Bare ids: what --model takes.
  for (const model of models) io.stdout.write(`${(model.name ?? '').replace(/^models\//, '')}\n`)
  return EXIT.ok
}

async function serveLocalGateway(provider: Provider, values: Values, io: CliIO, cmd: string): Promise<number> {
  const port = portOf(values.port)
  const { LOCAL_GATEWAY_API_KEY, startLocalGateway } = await import('../local-gateway/index.ts')
  let gateway: LocalGateway
  try {
    gateway = await startLocalGateway({ provider, port, ...(values.host !== undefined && { host: values.host }) })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // A taken port or a host this machine does not have is the setup, not a failed request: exit 2, with the way out.
    if (code === 'EADDRINUSE') {
      throw new UsageError(
        `serve: port ${port} is already in use; pick another with --port, or let the system choose: ${cmd} serve --provider ${provider} --port 0`,
      )
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
      throw new UsageError(`serve: cannot listen on ${values.host ?? '127.0.0.1'}:${port} (${code}); try ${cmd} serve --provider ${provider} --port 0`)
    }
    throw new Error(`serve: ${(error as Error).message}`)
  }
  const variable = registry[provider].envKey
  io.stdout.write(
    `local ${provider} gateway listening on ${gateway.url}\n` +
      `key: ${LOCAL_GATEWAY_API_KEY}\n` +
      `try: ${variable}=${LOCAL_GATEWAY_API_KEY} ${cmd} ask "Hello" --provider ${provider} --base-url ${gateway.url}\n`,
  )
  io.stderr.write('press Ctrl-C to stop\n')
  await stopRequested(io.signal)
  await gateway.close()
  io.stderr.write('local gateway stopped\n')
  return EXIT.ok
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${text}"`)
  return port
}

/** Resolves when `signal` aborts, or without one on SIGINT/SIGTERM. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) resolve()
      else signal.addEventListener('abort', () => resolve(), { once: true })
      return
    }
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

async function readAll(stdin: AsyncIterable<string | Uint8Array> | undefined): Promise<string> {
  if (!stdin) return ''
  const decoder = new TextDecoder()
  let out = ''
  for await (const chunk of stdin) out += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
  return out + decoder.decode()
}

/** One line, no stack; the key (and any gateway token) is scrubbed even if some message kept it. */
function errorLine(error: unknown, secrets: readonly string[]): string {
  if (error instanceof UserAbortError) return 'interrupted\n'
  let message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim()
  // The library names its option; here the way to wait longer is the flag.
  if (error instanceof TimeoutError && error.option !== undefined && error.option !== 'fetch')
    message = message.replace(raiseHint(error.option), raiseHint('--timeout'))
  for (const secret of secrets) message = message.split(secret).join('[REDACTED]')
  return `error: ${message || 'unknown error'}\n`
}

function isDirectRun(): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    // realpath: npm installs the bin as a symlink.
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isDirectRun()) {
  const controller = new AbortController()
  // `once`: a second Ctrl-C falls back to Node's default and kills the process.
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // `gemini-gateways models | head -1` closes the pipe early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // Lazy: touching process.stdin creates a handle, and only `ask -` reads it.
    stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
    signal: controller.signal,
  })
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
}
