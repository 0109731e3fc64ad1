/**
 * `npm run sandbox -- --port P [--seed S] [--orders N] [--customers N] [--products N]`
 *
 * Starts the BillPro sandbox. The first stdout line is one JSON object with the base URL and
 * the sandbox's test tokens (printing them is the point: they only open this local sandbox),
 * for scripts; the lines after it are hints for people. The request log goes to stderr.
 */
import { parseArgs } from 'node:util';
import { MERCHANT_PROFILES } from './profiles.ts';
import { DEFAULT_SEED_SIZES } from './seed.ts';
import { startSandbox, type SandboxOptions, type WireVariations } from './server.ts';

const USAGE = `usage: sandbox [--port P] [--seed S] [--products N] [--customers N] [--orders N]
               [--clock-start ISO] [--not-found-status 404|422] [--no-list-orders] [--quiet]
               [--page-size N] [--newest-first] [--ignore-page] [--rate-limit N-per-minute]
               [--wire '{"envelope":"data","stringIds":true,…}' (answer-shape variations, JSON)]`;

function fail(message: string, code: number): never {
  process.stderr.write(`billpro sandbox: ${message}\n`);
  process.exit(code);
}

function whole(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) fail(`--${name} must be a whole number, got "${text}"\n${USAGE}`, 2);
  return Number(text);
}

const WIRE_KEYS = new Set(['envelope', 'stringIds', 'numberAmounts', 'zonelessTimestamps', 'offsetTimestamps', 'paymentLinkField', 'omitTotalAmount', 'notFoundBody', 'breakRecords']);

/** `--wire` is a JSON object of WireVariations; an unknown key is refused, not ignored. */
function wireOption(text: string | undefined): WireVariations {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(`--wire must be a JSON object\n${USAGE}`, 2);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('--wire must be a JSON object', 2);
  const unknown = Object.keys(value).filter((key) => !WIRE_KEYS.has(key));
  if (unknown.length) fail(`--wire does not know ${unknown.join(', ')}`, 2);
  return value as WireVariations;
}

function readOptions(): SandboxOptions {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        products: { type: 'string' },
        customers: { type: 'string' },
        orders: { type: 'string' },
        'clock-start': { type: 'string' },
        'not-found-status': { type: 'string' },
        'no-list-orders': { type: 'boolean' },
        wire: { type: 'string' },
        quiet: { type: 'boolean' },
        'page-size': { type: 'string' },
        'newest-first': { type: 'boolean' },
        'ignore-page': { type: 'boolean' },
        'rate-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const notFound = values['not-found-status'];
  if (notFound !== undefined && notFound !== '404' && notFound !== '422')
    fail('--not-found-status must be 404 or 422', 2);
  const port = whole('port', values.port) ?? 0;
  if (port > 65535) fail('--port must be at most 65535', 2);
  return {
    port,
    seed: whole('seed', values.seed),
    products: whole('products', values.products),
    customers: whole('customers', values.customers),
    orders: whole('orders', values.orders),
    clockStart: values['clock-start'],
    notFoundStatus: notFound === '422' ? 422 : 404,
    listOrders: !values['no-list-orders'],
    wire: wireOption(values.wire),
    quiet: values.quiet ?? false,
    pageSize: whole('page-size', values['page-size']),
    listOrder: values['newest-first'] ? 'newest_first' : 'oldest_first',
    ignorePage: values['ignore-page'] ?? false,
    rateLimitPerMinute: whole('rate-limit', values['rate-limit']) ?? null,
  };
}

const options = readOptions();
let sandbox;
try {
  sandbox = await startSandbox(options);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 1);
}

process.stdout.write(`${JSON.stringify({ baseUrl: sandbox.baseUrl, tokens: sandbox.tokens })}\n`);
const first = sandbox.tokens[0]?.token ?? '';
process.stdout.write(
  [
    '',
    `BillPro sandbox on ${sandbox.baseUrl} (seed ${options.seed ?? 1}; profile 1 has ${options.products ?? DEFAULT_SEED_SIZES.products} products, ${options.customers ?? DEFAULT_SEED_SIZES.customers} customers, ${options.orders ?? DEFAULT_SEED_SIZES.orders} orders)`,
    `Profiles: ${MERCHANT_PROFILES.map((p) => `${p.id} ${p.name} (${p.processor}, ${p.currencies.join('/')})`).join(' · ')}`,
    'Tokens: #1 reaches profile 1; #2 reaches profiles 1 and 2 (add ?profile_id=N); #3 reaches profile 3.',
    `Try:   curl -H 'Authorization: Bearer ${first}' '${sandbox.baseUrl}/products?page=1'`,
    `Controls (same Bearer token): POST ${sandbox.controlUrl}/orders/{id}/pay {"outcome":"approve"} · ` +
      `POST ${sandbox.controlUrl}/clock {"advanceDays":30} · POST ${sandbox.controlUrl}/faults {"kind":"5xx","count":1} · ` +
      `GET ${sandbox.controlUrl}/stats?profile_id=1`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'),
);

const running = sandbox;
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
