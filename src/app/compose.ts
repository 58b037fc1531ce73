import { CartService } from './core/cart.js';
import { CatalogService } from './core/catalog.js';
import { OrderService } from './core/orders.js';
import { PaymentService } from './core/payments.js';
import {
  systemClock,
  type CartRepository,
  type Clock,
  type LoginThrottle,
  type OrderEvents,
  type OrderRepository,
  type PasswordHasher,
  type PaymentProvider,
  type PaymentRepository,
  type ProductRepository,
  type TokenService,
  type UserRepository,
} from './core/ports.js';
import { UserService } from './core/users.js';
import type { AppServices } from './http/services.js';

export interface Repositories {
  users?: UserRepository | undefined;
  loginThrottle?: LoginThrottle | undefined;
  products?: ProductRepository | undefined;
  carts?: CartRepository | undefined;
  orders?: OrderRepository | undefined;
  payments?: PaymentRepository | undefined;
}

export interface Wiring {
  tokens: TokenService;
  hasher: PasswordHasher;
  provider: PaymentProvider;
  events: OrderEvents;
  loginLimit: { attempts: number; windowSeconds: number };
  clock?: Clock;
}

/** Builds each use case whose repositories are present: all on the server, one domain's on a Lambda. */
export function composeServices(r: Repositories, w: Wiring): AppServices {
  const clock = w.clock ?? systemClock;
  const services: AppServices = { tokens: w.tokens };
  if (r.users && r.loginThrottle) services.users = new UserService(r.users, r.loginThrottle, w.hasher, w.tokens, clock, w.loginLimit);
  if (r.products) services.catalog = new CatalogService(r.products);
  if (r.carts && r.products) services.cart = new CartService(r.carts, r.products);
  if (r.orders && r.carts && r.products) services.orders = new OrderService(r.orders, r.carts, r.products, w.events, clock);
  if (r.payments && r.orders) services.payments = new PaymentService(r.payments, r.orders, w.provider, clock);
  return services;
}
