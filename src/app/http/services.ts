import type { CartService } from '../core/cart.js';
import type { CatalogService } from '../core/catalog.js';
import type { OrderService } from '../core/orders.js';
import type { PaymentService } from '../core/payments.js';
import type { TokenService } from '../core/ports.js';
import type { UserService } from '../core/users.js';

/** The use cases a runtime wires; a Lambda function wires only its own domain's. */
export interface AppServices {
  tokens: TokenService;
  users?: UserService;
  catalog?: CatalogService;
  cart?: CartService;
  orders?: OrderService;
  payments?: PaymentService;
}
