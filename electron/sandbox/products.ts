/** Products are read-only over the API (created in BillPro's UI only, billpro-api.md §2.1). */
import { QUERY } from '../common/endpoints.ts';
import { notFound, pageOf, pathId, type ApiContext } from './api-context.ts';
import type { ProductRecord } from './records.ts';

export function listProducts(context: ApiContext): ProductRecord[] {
  const merchantId = context.query.get(QUERY.productId);
  const products =
    merchantId === null
      ? context.data.products
      : context.data.products.filter((p) => p.product_id === merchantId);
  return pageOf(products, context);
}

export function getProduct(context: ApiContext): ProductRecord {
  const product = context.data.productsById.get(pathId(context));
  if (!product) throw notFound(context);
  return product;
}
