/** The offline check every docs page passes. */

/** Resource references a browser would fetch from the network when loading `html`. */
export function externalResources(html: string): string[] {
  const patterns = [
    /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    /<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi,
    /url\(\s*["']?(?:https?:)?\/\/[^)]+\)/gi,
    /@import\s+(?:url\()?\s*["']?(?:https?:)?\/\/[^;]+/gi,
    /\bimport\s*(?:[\w{},*\s]+from\s*)?["'](?:https?:)?\/\/[^"']+["']/g,
  ]
  return patterns.flatMap((p) => html.match(p) ?? [])
}
