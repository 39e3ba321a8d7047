import type { Route } from "../../../platform/routes.js";
import { productAccountability } from "../accountability.js";
import * as accountability from "../contracts/accountability.js";
import * as contract from "../contracts/products.js";
import { createProduct, getProduct, listProducts, updateProduct } from "../products.js";

export function productRoutes(route: Route): void {
  route(contract.listProducts, ({ ctx }) => listProducts(ctx));
  route(contract.createProduct, ({ ctx, body }) => createProduct(ctx, body));
  route(contract.getProduct, ({ ctx, params }) => getProduct(ctx, params.id));
  route(contract.updateProduct, ({ ctx, params, body }) => updateProduct(ctx, params.id, body));
  route(accountability.productAccountability, ({ ctx, params }) => productAccountability(ctx, params.id));
}
