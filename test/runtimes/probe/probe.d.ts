// Types of probe.js for the test that runs it in-process (the runtimes run the JavaScript as it is).
export interface ProbeResult {
  runtime: { name: string; version: string }
  /** Per dialect, per operation (unary, stream, error): what came back, or `{ failed }`. */
  dialects: Record<string, Record<'unary' | 'stream' | 'error', Record<string, unknown>>>
  /** With `cli.js --own-gateway`: each gateway's recorded requests, as `METHOD path`. */
  gatewayRequests?: Record<string, string[]>
}
export declare function runtime(): ProbeResult['runtime']
export declare function probe(gateways: Record<string, string>, apiKey: string): Promise<ProbeResult>
