/** Headers every answer carries, whichever path wrote it (routes, framework errors, the HTTP parser's refusals). */
export function securityHeaders(options: { https: boolean }): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    // Browsers that reached Lanyard over https keep to https for a year, subdomains included.
    ...(options.https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * The browsable API reference (/api/docs, Swagger UI) loads its scripts, styles and images from itself and
 * fetches only the OpenAPI document: nothing inline, nothing from elsewhere, never framed.
 */
export const apiDocsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI's bundle injects one fixed <style> element; its hash (for the pinned @fastify/swagger-ui) is
  // allowed, nothing else inline. e2e/api-docs.e2e.ts fails on any violation, so an upgrade that changes it shows.
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
