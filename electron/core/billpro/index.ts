/** The BillPro API client and what its callers need from around it. */
export { BillProClient, isListOrdersUnsupported, mergeCustomerInput } from './client.ts';
export type { BillProClientOptions, CustomerChanges, Page, PageOptions, RequestOptions } from './client.ts';
export type { AttemptReport, BillProConnection } from './transport.ts';
export { AUTH_INVALID_MESSAGE, parseRetryAfter } from './http-errors.ts';
export { unwrapEnvelope } from './envelope.ts';
