/**
 * Plain constants of the contract, free of zod so the renderer can import them without pulling a
 * schema library into its bundle. contract.ts re-exports them.
 */

/** Base URLs of the environment presets (billpro-api.md §1.1). */
export const ENVIRONMENT_BASE_URLS = {
  production: 'https://app.bill.pro/api/v1',
  staging: 'https://staging.bill.pro/api/v1',
} as const;
