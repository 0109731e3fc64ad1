/**
 * Request bodies as BillPro takes them: "Parameters can be sent in FormData or Json object
 * format" (seed: "you can send data as FormData or JSON object format"; billpro-api.md §1.4).
 * The Content-Type header decides how a body is read, as in Rails:
 *
 * - `application/json` → JSON;
 * - `application/x-www-form-urlencoded` and `multipart/form-data` → Rails bracket names
 *   (`order[customer_id]`, `order[order_products][][product_id]`), every value a string;
 * - anything else with a body → 415.
 *
 * ASSUMPTION: the bracket naming (Rails' normalize_params) is inferred from the Rails style of the
 * API; no doc shows a FormData example.
 */
import { httpError, isObject, parseJsonObject, type JsonObject } from './http.ts';

export function parseRequestBody(text: string, contentType: string | undefined): JsonObject {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const params: JsonObject = {};
    for (const [name, value] of new URLSearchParams(text)) assign(params, name, value);
    return params;
  }
  if (type === 'multipart/form-data') return parseMultipart(text, contentType ?? '');
  if (type === 'application/json' || type.endsWith('+json')) return parseJsonObject(text);
  if (text.trim() === '') return {};
  throw httpError(415, `Unsupported Content-Type ${type || '(none)'}: send JSON or FormData`);
}

function parseMultipart(text: string, contentType: string): JsonObject {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2]?.trim();
  if (!mark) throw httpError(400, 'multipart/form-data without a boundary');
  const params: JsonObject = {};
  for (const part of text.split(`--${mark}`).slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    if (/filename=/i.test(headers)) throw httpError(422, `${name}: files are not accepted here`);
    assign(params, name, part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return params;
}

/** Rails' nesting of `a[b][][c]=v` into `{a: {b: [{c: v}]}}`. */
function assign(params: JsonObject, name: string, value: string): void {
  const match = /^\[?([^[\]]+)\]?(.*)$/.exec(name);
  if (!match) return;
  const key = match[1]!;
  const rest = match[2]!;
  if (rest === '') {
    params[key] = value;
  } else if (rest === '[]') {
    const list = Array.isArray(params[key]) ? (params[key] as unknown[]) : (params[key] = []);
    (list as unknown[]).push(value);
  } else if (rest.startsWith('[]')) {
    const child = rest.slice(2);
    const list = (Array.isArray(params[key]) ? params[key] : (params[key] = [])) as unknown[];
    const last = list[list.length - 1];
    // A key the last element already has starts a new element, as Rails does.
    if (isObject(last) && !has(last, child)) assign(last, child, value);
    else {
      const element: JsonObject = {};
      assign(element, child, value);
      list.push(element);
    }
  } else {
    const inner = isObject(params[key]) ? (params[key] as JsonObject) : (params[key] = {});
    assign(inner as JsonObject, rest, value);
  }
}

function has(target: JsonObject, name: string): boolean {
  const keys = [...name.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
  let current: unknown = target;
  for (const key of keys) {
    if (key === '') return false;
    if (!isObject(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}
