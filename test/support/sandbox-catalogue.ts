/**
 * A sandbox on a free loopback port, with its whole product list and a customer read through the
 * real client: what the renderer-logic tests compare the renderer's arithmetic against.
 */
import type { Customer, Product } from '../../electron/common/wire.ts';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';

export interface SandboxCatalogue {
  sandbox: RunningSandbox;
  client: BillProClient;
  products: Product[];
  customer: Customer;
}

export async function openSandboxCatalogue(): Promise<SandboxCatalogue> {
  const sandbox = await startSandbox({ port: 0 });
  const client = new BillProClient({ baseUrl: sandbox.baseUrl, token: sandbox.tokens[0]!.token });
  const products: Product[] = [];
  for await (const page of client.listProductsPages()) products.push(...page.items);
  const customer = (await client.listCustomers({ page: 1 }))[0]!;
  return { sandbox, client, products, customer };
}

/** An entity as the cache lists it: sent, nothing waiting. */
export const row = <T extends object>(entity: T) => ({ ...entity, pending: 0, localOnly: false });
