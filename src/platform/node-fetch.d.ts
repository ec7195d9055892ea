import type { Agent } from 'undici'
export { defaultFetch } from './fetch.d.ts'
/** The options of the Agent that Node requests go through. */
export declare const AGENT_OPTIONS: Readonly<{ headersTimeout: 0; bodyTimeout: 0 }>
/** The Agent requests go through; undefined if undici cannot load. */
export declare function nodeDispatcher(): Promise<Agent | undefined>
