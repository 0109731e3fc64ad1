import { describe, expect, it } from 'vitest';
import { BillProClient, mergeCustomerInput } from '../../electron/core/billpro/client.ts';
import {
  errorFromFailure,
  errorFromResponse,
  parseRetryAfter,
} from '../../electron/core/billpro/http-errors.ts';
import type { RequestContext } from '../../electron/core/billpro/http-errors.ts';
import type { CustomerInput } from '../../electron/common/wire.ts';
import { DeskError } from '../../electron/common/errors.ts';

const TOKEN = 'abcd12341234123412341234abcd1234123412341234abcd12342342134';

const ctx = (method: RequestContext['method'] = 'GET'): RequestContext => ({
  endpoint: method === 'GET' ? 'getOrder' : 'cancelOrder',
  method,
  subject: 'order 7',
  host: 'app.bill.pro',
  profileId: 5,
  timeoutMs: 15_000,
  redact: (text) => text.split(TOKEN).join('[token]'),
});

const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  contentType: 'application/json',
  headers: new Headers(headers),
});

describe('errorFromResponse', () => {
  it('maps every documented and assumed BillPro refusal to its code', () => {
    const cases: [number, unknown, DeskError['code']][] = [
      [401, { error: 'Unauthorized' }, 'AUTH_INVALID'],
      [400, { error: 'profile_id is required: this token reaches profiles 1, 2' }, 'PROFILE_REQUIRED'],
      [422, { error: 'profile_id is required' }, 'PROFILE_REQUIRED'],
      [403, { error: 'Profile not reachable' }, 'FORBIDDEN'],
      [404, { error: 'Not found' }, 'NOT_FOUND'],
      [422, { error: 'Order not found' }, 'NOT_FOUND'],
      [422, { phone: ['is invalid'] }, 'VALIDATION'],
      // The audit's not-found: a bare "Bad Request" 422 on a read of one record.
      [422, { error: 'Bad Request' }, 'NOT_FOUND'],
      [422, {}, 'NOT_FOUND'],
      // Rails' wording for a missing record.
      [422, { error: "Couldn't find Order with 'id'=7" }, 'NOT_FOUND'],
      [400, { error: "Couldn't find Order with 'id'=7" }, 'NOT_FOUND'],
      [422, { error: 'Record not found' }, 'NOT_FOUND'],
      [422, { error: 'Order is already cancelled' }, 'CONFLICT'],
      [422, { error: 'Scheduled payment cannot be updated in status complete' }, 'CONFLICT'],
      [409, {}, 'CONFLICT'],
      [422, { error: 'Exactly one product is needed for a subscription order' }, 'BAD_INPUT'],
      [400, 'Bad Request', 'BAD_INPUT'],
      [429, {}, 'RATE_LIMITED'],
      [503, '<html>Service Unavailable</html>', 'SERVER'],
    ];
    for (const [status, body, code] of cases) {
      expect([status, body, errorFromResponse(ctx(), reply(status, body)).code]).toEqual([
        status,
        body,
        code,
      ]);
    }
  });

  it('does not read a bare 422 on a write as not-found: there it may be any refusal', () => {
    expect(errorFromResponse(ctx('PUT'), reply(422, { error: 'Bad Request' })).code).toBe('BAD_INPUT');
    expect(errorFromResponse(ctx('PUT'), reply(422, { error: "Couldn't find Order with 'id'=7" })).code).toBe('NOT_FOUND');
    const list = { ...ctx(), endpoint: 'listOrders' as const };
    expect(errorFromResponse(list, reply(422, { error: 'Bad Request' })).code).toBe('NOT_FOUND');
    const listCustomers = { ...ctx(), endpoint: 'listCustomers' as const };
    expect(errorFromResponse(listCustomers, reply(422, { error: 'Bad Request' })).code).toBe('BAD_INPUT');
  });

  it('keeps 422 field errors verbatim, also under an errors root', () => {
    const fields = { phone: ['is invalid'], email: ['has already been taken', 'is too long'] };
    const direct = errorFromResponse(ctx('PUT'), reply(422, fields));
    expect(direct.fields).toEqual(fields);
    expect(direct.message).toBe(
      'BillPro did not accept order 7: phone is invalid; email has already been taken, is too long.',
    );
    expect(errorFromResponse(ctx('PUT'), reply(422, { errors: fields })).fields).toEqual(fields);
  });

  it("keeps the server's own words for conflicts and bad input", () => {
    const error = errorFromResponse(ctx('PUT'), reply(422, { error: 'Order is already cancelled' }));
    expect(error.message).toBe('BillPro refused to change order 7: Order is already cancelled');
    expect(error.outcomeUnknown).toBe(false);
  });

  it('marks a 5xx answer to a write as outcome unknown, but not to a read', () => {
    expect(errorFromResponse(ctx('POST'), reply(503, {})).outcomeUnknown).toBe(true);
    expect(errorFromResponse(ctx('GET'), reply(503, {})).outcomeUnknown).toBe(false);
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(errorFromResponse(ctx(), reply(429, {}, { 'retry-after': '7' }), now).retryAfterMs).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('never repeats a token that the server echoed back', () => {
    const error = errorFromResponse(ctx('PUT'), reply(422, { error: `bad header Bearer ${TOKEN}` }));
    expect(error.message).toContain('bad header Bearer [token]');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    const fieldError = errorFromResponse(ctx('PUT'), reply(422, { note: [`${TOKEN} is not a note`] }));
    expect(fieldError.fields).toEqual({ note: ['[token] is not a note'] });
    expect(JSON.stringify(fieldError)).not.toContain(TOKEN);
  });

  it('refuses to follow a redirect that would carry the token elsewhere', () => {
    const error = errorFromResponse(
      ctx(),
      reply(301, '', { location: 'https://elsewhere.example/api/v1/orders/7' }),
    );
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('check the API base URL');
  });
});

describe('errorFromFailure', () => {
  const fetchFailed = (code: string): TypeError =>
    new TypeError('fetch failed', {
      cause: Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code }),
    });

  it('knows a refused connection never reached BillPro, but a cut one may have', () => {
    const refused = errorFromFailure(ctx('POST'), fetchFailed('ECONNREFUSED'), false);
    expect(refused.code).toBe('NETWORK');
    expect(refused.outcomeUnknown).toBe(false);
    const reset = errorFromFailure(ctx('POST'), fetchFailed('ECONNRESET'), false);
    expect(reset.outcomeUnknown).toBe(true);
    expect(errorFromFailure(ctx('POST'), fetchFailed('ENOTFOUND'), false).message).toContain(
      'could not be found',
    );
    const aggregate = new TypeError('fetch failed', {
      cause: Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}),
    });
    expect(errorFromFailure(ctx('PUT'), aggregate, false).outcomeUnknown).toBe(false);
  });

  it('reports a timeout as TIMEOUT, outcome unknown for writes only', () => {
    expect(errorFromFailure(ctx('PUT'), new Error('aborted'), true)).toMatchObject({
      code: 'TIMEOUT',
      outcomeUnknown: true,
    });
    expect(errorFromFailure(ctx('GET'), new Error('aborted'), true)).toMatchObject({
      code: 'TIMEOUT',
      outcomeUnknown: false,
    });
  });

  it('keeps only the error code as the cause, not the undici error', () => {
    const error = errorFromFailure(ctx(), fetchFailed('ECONNRESET'), false);
    expect(error.cause).toEqual({ code: 'ECONNRESET' });
  });
});

describe('BillProClient input checks (no request is sent)', () => {
  // Port 9 on loopback refuses; a NETWORK error here would mean a request went out.
  const client = new BillProClient({ baseUrl: 'http://127.0.0.1:9/api/v1', token: TOKEN });

  it('rejects a malformed order before sending it', async () => {
    const error = await client
      .createOrder('subscription', { currency: 'EUR', customer_id: 1, order_products: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeskError);
    expect(error).toMatchObject({ code: 'BAD_INPUT', fields: { order_products: [expect.any(String)] } });
  });

  it('rejects ids and pages BillPro cannot have', async () => {
    await expect(client.getOrder(0)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(client.getOrder(1.5)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(client.listProducts(0)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(client.updateScheduledPayment(3, {})).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('refuses a token that cannot be a header, without repeating it', () => {
    const bad = `${TOKEN}\r\nX-Evil: 1`;
    let error: unknown;
    try {
      new BillProClient({ baseUrl: 'https://app.bill.pro/api/v1', token: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'AUTH_INVALID' });
    expect(String(error)).not.toContain(TOKEN);
    expect(() => new BillProClient({ baseUrl: 'app.bill.pro', token: TOKEN })).toThrow(/base URL/);
  });
});

describe('mergeCustomerInput', () => {
  const current: CustomerInput = {
    first_name: 'Dana',
    last_name: 'Borys',
    email: 'dana@example.com',
    phone: '+447700900123',
    addresses: {
      billing_address: {
        street: '28 Milsom St',
        city: 'Bath',
        state: 'Avon',
        country: 'GB',
        postal_code: 'BA1 1DG',
      },
      shipping_address: {
        street: '1 Quay St',
        city: 'Bristol',
        state: null,
        country: 'GB',
        postal_code: 'BS1 4DJ',
      },
    },
  };

  it('changes one address and keeps the other, because BillPro drops addresses not sent', () => {
    const moved = { street: '2 New Rd', city: 'Bath', state: null, country: 'GB', postal_code: 'BA2 2AA' };
    const merged = mergeCustomerInput(current, { last_name: 'Smith', addresses: { billing_address: moved } });
    expect(merged.last_name).toBe('Smith');
    expect(merged.addresses?.billing_address).toEqual(moved);
    expect(merged.addresses?.shipping_address).toEqual(current.addresses?.shipping_address);
  });

  it('ignores keys given as undefined instead of erasing them', () => {
    const merged = mergeCustomerInput(current, {
      phone: undefined,
      addresses: { shipping_address: undefined },
    });
    expect(merged).toEqual(current);
  });
});
