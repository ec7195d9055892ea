/**
 * The generated validators: strict requests, tolerant and strict responses, JSON pointer paths for every
 * failure, and no code built from strings at run time.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { issuesOf, type ValidatorSet } from '../../src/core/validate.ts'
import { validators } from '../../generated/validator-sets.ts'
import { generationRequestName, PROVIDERS, REAL, ROOT, ROOT_DIR, readJSON, sets } from './helpers.ts'

const recording = (file: string): any => readJSON(new URL(file, REAL))
/** A real response to build variants from. */
const REPLY = 'firebase-vertexai-sdk-test-data/unary-success-basic-reply-short.json'
const minimalRequest = () => ({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] })

/** Each provider's request validator (gemini-gateways/validators' set) and the name of its generation request body. */
const requestSets: [string, ValidatorSet, string][] = PROVIDERS.map((p) => [p, validators[p].request, generationRequestName(p)])

const paths = (issues: { path: string }[]) => issues.map((i) => i.path)

describe('request validation is strict', () => {
  it.each(requestSets)('%s accepts a minimal request', async (_p, set, name) => {
    expect(await issuesOf(set, name, minimalRequest())).toEqual([])
  })

  it.each(requestSets)('%s rejects an unknown key, at its path', async (_p, set, name) => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'Hello', bogus: true }] }] }
    expect(set.checks[name]!(body)).toBe(false)
    // Named on the object that holds it, with the field's name.
    expect(await issuesOf(set, name, body)).toContainEqual({ path: '/contents/0/parts/0', message: expect.stringMatching(/^unknown field "bogus"/) })
  })

  it.each(requestSets)('%s rejects a value of the wrong type, at its path', async (_p, set, name) => {
    const issues = await issuesOf(set, name, { contents: [{ role: 'user', parts: [{ text: 42 }] }] })
    expect(issues).toEqual([{ path: '/contents/0/parts/0/text', message: expect.stringMatching(/string/) }])
  })

  it('rejects an unknown top-level key and a wrong-typed config value', async () => {
    const issues = await issuesOf(sets.googleRequest, 'generateContentRequest', { ...minimalRequest(), generationConfig: { temperature: 'hot' }, extra: 1 })
    // An unknown field is named on the object that holds it.
    expect(issues).toEqual(expect.arrayContaining([{ path: '', message: expect.stringMatching(/^unknown field "extra"/) }]))
    expect(paths(issues)).toEqual(expect.arrayContaining(['/generationConfig/temperature', '']))
    const temperature = issues.find((i) => i.path === '/generationConfig/temperature')!
    expect(temperature.message).toMatch(/number/)
  })

  it.each(requestSets.filter(([p]) => p !== 'nordlys'))('%s rejects a value outside a closed enum, at its path', async (_p, set, name) => {
    const ok = { ...minimalRequest(), safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] }
    expect(await issuesOf(set, name, ok)).toEqual([])
    const bad = { ...ok, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'NOPE' }] }
    const issues = await issuesOf(set, name, bad)
    expect(issues).toEqual([{ path: '/safetySettings/0/threshold', message: expect.stringMatching(/^"NOPE" is not one of .*BLOCK_NONE/) }])
  })

  it('nordlys rejects a value outside a closed enum in its snake_case body', async () => {
    const bad = { ...minimalRequest(), safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'NOPE' }] }
    expect(paths(await issuesOf(sets.nordlysRequest, 'generateContentRequest', bad))).toEqual(['/safety_settings/0/threshold'])
  })

  it.each([
    ['anyfast', sets.anyfastRequest, 'generateContentRequest'],
    ['apimart', sets.apimartRequest, 'generateRequest'],
  ] as const)('%s requires at least one entry in contents (minItems at /contents)', async (_p, set, name) => {
    const issues = await issuesOf(set, name, { contents: [] })
    expect(issues).toEqual([{ path: '/contents', message: expect.stringMatching(/fewer than 1/) }])
  })

  it('google itself has no minItems on contents (the gateways add it in their overlays)', async () => {
    expect(await issuesOf(sets.googleRequest, 'generateContentRequest', { contents: [] })).toEqual([])
  })
})

describe('response validation', () => {
  const reply = () => recording(REPLY)
  const tolerant = (v: unknown) => issuesOf(sets.googleResponse, 'GenerateContentResponse', v)
  const strict = (v: unknown) => issuesOf(sets.googleResponseStrict, 'GenerateContentResponse', v)

  it('both accept the real reply the variants are built from', async () => {
    expect(await tolerant(reply())).toEqual([])
    expect(await strict(reply())).toEqual([])
  })

  it('tolerant accepts unknown top-level and nested fields', async () => {
    const v = reply()
    v.someFutureField = { nested: [1, 2] }
    v.candidates[0].groundingFuture = true
    v.candidates[0].content.parts[0].partFuture = 'x'
    v.usageMetadata.newTokenCount = 3
    expect(await tolerant(v)).toEqual([])
    expect(sets.googleResponse.checks.generateContentResponse200(v)).toBe(true)
  })

  it('tolerant accepts an unknown finishReason; strict rejects it at its path', async () => {
    const v = reply()
    v.candidates[0].finishReason = 'NEW_REASON_2027'
    expect(await tolerant(v)).toEqual([])
    expect(await strict(v)).toEqual([{ path: '/candidates/0/finishReason', message: expect.stringMatching(/^"NEW_REASON_2027" is not one of .*STOP/) }])
    expect(sets.googleResponseStrict.checks.generateContentResponse200(v)).toBe(false)
  })

  it('the finishReason the strict check rejects is really not in the spec, and STOP is', () => {
    const spec = readJSON(new URL('generated/google/openapi.json', ROOT))
    const values = JSON.stringify(spec.components.schemas.Candidate.properties.finishReason)
    expect(values).toContain('"STOP"')
    expect(values).not.toContain('NEW_REASON_2027')
  })

  it('tolerant accepts a candidate with content: {}', async () => {
    const v = reply()
    v.candidates[0].content = {}
    expect(await tolerant(v)).toEqual([])
  })

  it('tolerant accepts a part with only thought: true and a thoughtSignature', async () => {
    const v = reply()
    v.candidates[0].content.parts = [{ thought: true, thoughtSignature: 'CiQB0e2Kb8fK0w==' }]
    expect(await tolerant(v)).toEqual([])
  })

  it('tolerant accepts usageMetadata without candidatesTokenCount', async () => {
    const v = reply()
    delete v.usageMetadata.candidatesTokenCount
    delete v.usageMetadata.candidatesTokensDetails
    expect(await tolerant(v)).toEqual([])
  })

  it.each([
    [
      'candidates: "x"',
      (v: any) => {
        v.candidates = 'x'
      },
      '/candidates',
      /array/,
    ],
    [
      'parts: {}',
      (v: any) => {
        v.candidates[0].content.parts = {}
      },
      '/candidates/0/content/parts',
      /array/,
    ],
    [
      'text: 5',
      (v: any) => {
        v.candidates[0].content.parts[0].text = 5
      },
      '/candidates/0/content/parts/0/text',
      /string/,
    ],
    [
      'finishReason: 5',
      (v: any) => {
        v.candidates[0].finishReason = 5
      },
      '/candidates/0/finishReason',
      /string/,
    ],
    [
      'usageMetadata.totalTokenCount: "29"',
      (v: any) => {
        v.usageMetadata.totalTokenCount = '29'
      },
      '/usageMetadata/totalTokenCount',
      /integer|number/,
    ],
  ] as const)('both reject wrong structure (%s), with its path', async (_what, mutate, at, message) => {
    const v = reply()
    mutate(v)
    for (const issues of [await tolerant(v), await strict(v)]) {
      expect(issues.length).toBeGreaterThan(0)
      expect(issues).toContainEqual({ path: at, message: expect.stringMatching(message) })
    }
  })

  it('both reject a body that is not an object', async () => {
    for (const v of [null, 'x', [reply()]]) {
      expect(sets.googleResponse.checks.GenerateContentResponse(v)).toBe(false)
      expect(sets.googleResponseStrict.checks.GenerateContentResponse(v)).toBe(false)
    }
  })
})

describe('validators build no code at run time', () => {
  const validatorFiles = PROVIDERS.flatMap((p) =>
    readdirSync(new URL(`generated/${p}/validators/`, ROOT))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts') // index.ts only wires the sets together (checked below)
      .map((f) => `generated/${p}/validators/${f}`),
  )

  it.each(PROVIDERS)('%s: validators/index.ts imports nothing but its sibling check and schema modules', (p) => {
    const source = readFileSync(new URL(`generated/${p}/validators/index.ts`, ROOT), 'utf8')
    const specifiers = [...source.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1])
    expect(specifiers.length).toBeGreaterThan(0)
    for (const s of specifiers) expect(s).toMatch(/^\.\/((request|response|response-strict)(-schemas)?|request-names)\.ts$/)
    expect(source).not.toMatch(/\bnew\s+Function\b|\bFunction\s*\(|\beval\s*\(/)
  })

  it('finds seven validator files per provider (three checks, their schemas, the request names)', () => {
    expect(validatorFiles).toHaveLength(PROVIDERS.length * 7)
    for (const p of PROVIDERS) expect(validatorFiles).toContain(`generated/${p}/validators/request-names.ts`)
  })

  it.each(validatorFiles)('%s has no new Function, Function( or eval(', (file) => {
    const source = readFileSync(new URL(file, ROOT), 'utf8')
    expect(source).not.toMatch(/\bnew\s+Function\b/)
    expect(source).not.toMatch(/\bFunction\s*\(/)
    expect(source).not.toMatch(/\beval\s*\(/)
    expect(source).not.toMatch(/^\s*import\b/m) // nothing pulled in that could build code for it
  })

  it('run under node --disallow-code-generation-from-strings', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gemini-gateways-nocodegen-'))
    try {
      const script = path.join(dir, 'probe.mjs')
      const modules = validatorFiles.filter((f) => !f.endsWith('-schemas.ts')).map((f) => pathToFileURL(path.join(ROOT_DIR, f)).href)
      writeFileSync(
        script,
        `
const [modules, validate, reply, stream] = JSON.parse(process.argv[2])
const blocked = (f) => { try { f(); return false } catch (e) { return e instanceof EvalError } }
const out = {
  evalBlocked: blocked(() => eval('1 + 1')),
  indirectEvalBlocked: blocked(() => (0, eval)('1 + 1')),
  functionBlocked: blocked(() => new Function('return 1')),
  checks: 0,
  results: {},
}
const fs = await import('node:fs')
const body = JSON.parse(fs.readFileSync(reply, 'utf8'))
const events = JSON.parse(fs.readFileSync(stream, 'utf8'))
for (const url of modules) {
  const mod = await import(url)
  for (const [name, check] of Object.entries(mod)) {
    if (typeof check !== 'function') continue
    for (const value of [body, {}, null, 'x', { candidates: 'x' }]) {
      if (typeof check(value) !== 'boolean') throw new Error(url + ' ' + name + ' did not return a boolean')
      out.checks++
    }
  }
}
const google = await import(modules.find((u) => u.endsWith('/google/validators/response.ts')))
const strict = await import(modules.find((u) => u.endsWith('/google/validators/response-strict.ts')))
const request = await import(modules.find((u) => u.endsWith('/google/validators/request.ts')))
out.results.reply = google.GenerateContentResponse(body)
out.results.streamEvents = events.map((e) => google.GenerateContentResponse(e))
out.results.wrongStructure = google.GenerateContentResponse({ candidates: 'x' })
out.results.unknownReasonTolerant = google.GenerateContentResponse({ candidates: [{ finishReason: 'NEW_REASON_2027' }] })
out.results.unknownReasonStrict = strict.GenerateContentResponse({ candidates: [{ finishReason: 'NEW_REASON_2027' }] })
out.results.requestOk = request.generateContentRequest({ contents: [{ parts: [{ text: 'hi' }] }] })
out.results.requestBogus = request.generateContentRequest({ contents: [{ parts: [{ text: 'hi', bogus: 1 }] }] })
// The interpreter that explains failures must work without code generation too.
const { issuesOf } = await import(validate)
const set = { checks: google, schemas: () => import(modules.find((u) => u.endsWith('/google/validators/response.ts')).replace(/response\\.ts$/, 'response-schemas.ts')) }
out.results.issues = await issuesOf(set, 'GenerateContentResponse', { candidates: [{ content: { parts: {} } }] })
process.stdout.write(JSON.stringify(out))
`,
      )
      const args = [
        modules,
        pathToFileURL(path.join(ROOT_DIR, 'src/core/validate.ts')).href,
        fileURLToPath(new URL(REPLY, REAL)),
        fileURLToPath(new URL('js-genai/Chats_Tests_sendMessage_Google_AI_with_text_stream.0.sse-segments.json', REAL)),
      ]
      // tsx is registered as a loader (it transpiles the .ts validators); the flag is on node's own command line.
      const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', script, JSON.stringify(args)], {
        cwd: ROOT_DIR,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, NODE_OPTIONS: '' },
      })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      const out = JSON.parse(run.stdout)
      // The flag is in force in the process that ran the validators.
      expect(out.evalBlocked).toBe(true)
      expect(out.indirectEvalBlocked).toBe(true)
      expect(out.functionBlocked).toBe(true)
      expect(out.checks).toBeGreaterThan(500)
      expect(out.results).toEqual({
        reply: true,
        streamEvents: expect.arrayContaining([true]),
        wrongStructure: false,
        unknownReasonTolerant: true,
        unknownReasonStrict: false,
        requestOk: true,
        requestBogus: false,
        issues: [{ path: '/candidates/0/content/parts', message: expect.stringMatching(/array/) }],
      })
      expect(out.results.streamEvents.length).toBeGreaterThan(1)
      expect(out.results.streamEvents.every((r: boolean) => r)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
