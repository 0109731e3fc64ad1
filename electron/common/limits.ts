/**
 * Length limits of what Desk sends to BillPro: the request schemas (wire.ts) refuse longer text
 * and the form fields carry the same `maxlength`, so a person is stopped while typing instead of
 * by BillPro. BillPro documents no limits (billpro-api.md §5.1); these are Desk's own, chosen
 * generously above real-world values (email: RFC 5321's 254).
 */
export const INPUT_LIMITS = {
  name: 100,
  email: 254,
  phone: 32,
  street: 200,
  city: 100,
  state: 100,
  postalCode: 20,
  country: 2,
  organisationName: 200,
  registrationNumber: 64,
  webUrl: 2048,
  vat: 64,
  description: 1000,
  invoiceId: 64,
  note: 1000,
  url: 2048,
  quantity: 1_000_000,
  splitNumber: 600,
  interval: 1000,
} as const;
