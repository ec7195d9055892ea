/**
 * The fetch the client sends with when the caller passes no `fetch` option: the runtime's own, set to wait as long
 * as the client's timers allow (package.json "imports" `#fetch` picks the module for the runtime).
 */
export declare function defaultFetch(input: Request | string | URL, init?: RequestInit): Promise<Response>
