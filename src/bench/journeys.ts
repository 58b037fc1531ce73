import { randomUUID } from 'node:crypto';
import type { JourneyMix, JourneyName } from './profile-schema.js';
import { pickJourney } from './schedule.js';

/**
 * User journeys over the shared HTTP contract, driven by virtual users that keep their own state
 * (account, JWT, cart, pending order). A journey is a planner: given the user's state it names the
 * next step, so a failed login or an empty cart changes the path instead of sending nonsense.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface PlannedRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SeenResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The result of a step: keep going with the journey, or end it (completed or failed). */
type StepVerdict = 'continue' | 'fail';

interface Step {
  name: string;
  request: PlannedRequest;
  /** Side effects of actually sending it (planning has none, so a planner can look ahead). */
  onSend?: () => void;
  /** null = the request never got an answer (connection error or timeout). */
  handle(response: SeenResponse | null): StepVerdict;
}

/** Product ids, categories and words learnt from catalog responses, shared by all virtual users. */
export class CatalogKnowledge {
  readonly productIds: (string | number)[] = [];
  private readonly idSet = new Set<string>();
  readonly categories: string[] = [];
  readonly words: string[] = [];
  private static readonly LIMIT = 1000;

  learn(items: unknown): void {
    if (!Array.isArray(items)) return;
    for (const item of items as Record<string, unknown>[]) {
      const id = item?.id;
      if ((typeof id === 'string' || typeof id === 'number') && !this.idSet.has(String(id)) && this.productIds.length < CatalogKnowledge.LIMIT) {
        this.idSet.add(String(id));
        this.productIds.push(id);
      }
      const category = item?.category;
      if (typeof category === 'string' && !this.categories.includes(category) && this.categories.length < 100) this.categories.push(category);
      const name = item?.name;
      if (typeof name === 'string' && this.words.length < 200) {
        const word = name.split(/\s+/).find((w) => w.length >= 4);
        if (word && !this.words.includes(word.toLowerCase())) this.words.push(word.toLowerCase());
      }
    }
  }
}

/** What the run did that the application must have kept: checked by the invariants after the run. */
export class RunLedger {
  readonly accounts = new Map<string, string>();
  readonly orderAttempts = new Map<string, number>();
  readonly acceptedOrders = new Map<string, { email: string; totalCents: number | null }>();
  /** Per order: the payment ids and amounts answered for it (all under one idempotency key). */
  readonly payments = new Map<string, { email: string; idempotencyKey: string; paymentIds: Set<string>; amounts: number[]; statuses: string[] }>();
}

const FALLBACK_WORDS = ['shirt', 'shoe', 'lamp', 'book', 'phone', 'chair', 'watch', 'bag'];
const MAX_STEPS_PER_JOURNEY = 12;

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function ok(r: SeenResponse | null): boolean {
  return r !== null && r.status >= 200 && r.status < 300;
}

export interface VirtualUserOptions {
  index: number;
  runId: string;
  random: () => number;
  catalog: CatalogKnowledge;
  ledger: RunLedger;
  /** An account registered before the run (seed users), if any. */
  seededAccount?: { email: string; password: string };
}

export class VirtualUser {
  readonly index: number;
  readonly email: string;
  readonly password: string;
  private registered: boolean;
  private token: string | undefined;
  private cartItems = 0;
  private order: { id: string; key: string; totalCents: number | null; payAttempts: number; paid: boolean; statusChecked: boolean } | undefined;
  private journey: { name: JourneyName; steps: number; done: Set<string>; failed: boolean } | undefined;
  private current: Step | undefined;
  private readonly random: () => number;
  private readonly catalog: CatalogKnowledge;
  private readonly ledger: RunLedger;
  mix: JourneyMix = { browse: 1 };
  /** Journey lifecycle events, for the phase recorder. */
  onJourney: (name: JourneyName, event: 'started' | 'completed' | 'failed') => void = () => {};

  constructor(opts: VirtualUserOptions) {
    this.index = opts.index;
    this.random = opts.random;
    this.catalog = opts.catalog;
    this.ledger = opts.ledger;
    this.email = opts.seededAccount?.email ?? `vu${opts.index}-${opts.runId}@bench.archcompare.test`.toLowerCase();
    this.password = opts.seededAccount?.password ?? `Bench-${opts.runId}-pw`;
    this.registered = opts.seededAccount !== undefined;
  }

  /** "<journey>.<step>" of the request in flight. */
  get currentStepKey(): string {
    return `${this.journey?.name ?? 'none'}.${this.current?.name ?? 'none'}`;
  }

  /** Plans the next request, starting a new journey when the current one is over. */
  next(): PlannedRequest {
    if (!this.journey) this.startJourney();
    let step = this.journey!.steps < MAX_STEPS_PER_JOURNEY ? this.plan(this.journey!.name) : undefined;
    if (!step) {
      this.endJourney(this.journey!.steps >= MAX_STEPS_PER_JOURNEY || this.journey!.failed ? 'failed' : 'completed');
      this.startJourney();
      step = this.plan(this.journey!.name) ?? this.listProducts();
    }
    this.journey!.steps += 1;
    this.current = step;
    step.onSend?.();
    return step.request;
  }

  /** Feeds the answer (or null for a connection error / timeout) to the step in flight. */
  handle(response: SeenResponse | null): void {
    const step = this.current;
    if (!step || !this.journey) return;
    if (response?.status === 401) this.token = undefined;
    const verdict = step.handle(response);
    this.journey.done.add(step.name);
    if (verdict === 'fail') {
      this.journey.failed = true;
      this.endJourney('failed');
    } else if (this.journey.steps >= MAX_STEPS_PER_JOURNEY || !this.plan(this.journey.name)) {
      // The journey's last step succeeded: count it completed now, not when the next one starts.
      this.endJourney(this.journey.steps >= MAX_STEPS_PER_JOURNEY ? 'failed' : 'completed');
    }
  }

  private startJourney(): void {
    const name = pickJourney(this.mix, this.random);
    this.journey = { name, steps: 0, done: new Set(), failed: false };
    this.onJourney(name, 'started');
  }

  private endJourney(outcome: 'completed' | 'failed'): void {
    if (!this.journey) return;
    this.onJourney(this.journey.name, outcome);
    this.journey = undefined;
  }

  private plan(name: JourneyName): Step | undefined {
    const done = this.journey!.done;
    switch (name) {
      case 'browse':
        if (!done.has('list')) return this.listProducts();
        if (!done.has('category') && this.catalog.categories.length > 0) return this.listCategory();
        return undefined;
      case 'search':
        return done.has('search') ? undefined : this.search();
      case 'viewProduct':
        if (this.catalog.productIds.length === 0 && !done.has('list')) return this.listProducts();
        return done.has('view') || this.catalog.productIds.length === 0 ? undefined : this.viewProduct();
      case 'login':
        if (!done.has('register') && !this.registered) return this.register();
        if (!done.has('login')) return this.login();
        return done.has('me') || !this.token ? undefined : this.me();
      case 'addToCart': {
        const auth = this.authenticate();
        if (auth !== null) return auth;
        if (this.catalog.productIds.length === 0 && !done.has('list')) return this.listProducts();
        if (!done.has('add')) return this.catalog.productIds.length ? this.addToCart() : undefined;
        return done.has('cart') ? undefined : this.viewCart();
      }
      case 'checkout': {
        if (this.order && !this.order.paid && this.order.payAttempts < 2) return this.pay();
        if (this.order && !this.order.statusChecked) return this.orderStatus();
        if (done.has('status')) return undefined;
        const auth = this.authenticate();
        if (auth !== null) return auth;
        if (this.cartItems === 0) {
          if (this.catalog.productIds.length === 0) return done.has('list') ? undefined : this.listProducts();
          return done.has('add') ? undefined : this.addToCart();
        }
        return done.has('order') ? undefined : this.placeOrder();
      }
    }
  }

  /** Register or log in when the user has no token; null when already authenticated. */
  private authenticate(): Step | undefined | null {
    if (this.token) return null;
    const done = this.journey!.done;
    if (!this.registered) return done.has('register') ? undefined : this.register();
    return done.has('login') ? undefined : this.login();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private jsonRequest(method: HttpMethod, path: string, body?: unknown, extra: Record<string, string> = {}): PlannedRequest {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body === undefined) return { method, path, headers };
    headers['content-type'] = 'application/json';
    return { method, path, headers, body: JSON.stringify(body) };
  }

  private learnFrom(r: SeenResponse | null): StepVerdict {
    if (!ok(r)) return 'fail';
    this.catalog.learn(parseJson(r!.body)?.items);
    return 'continue';
  }

  private listProducts(): Step {
    const page = 1 + Math.floor(this.random() * 3);
    return { name: 'list', request: this.jsonRequest('GET', `/products?page=${page}&pageSize=20`), handle: (r) => this.learnFrom(r) };
  }

  private listCategory(): Step {
    const c = encodeURIComponent(this.pick(this.catalog.categories));
    return { name: 'category', request: this.jsonRequest('GET', `/products?category=${c}&page=1&pageSize=20`), handle: (r) => this.learnFrom(r) };
  }

  private search(): Step {
    const words = this.catalog.words.length ? this.catalog.words : FALLBACK_WORDS;
    const q = encodeURIComponent(this.pick(words));
    return { name: 'search', request: this.jsonRequest('GET', `/products?q=${q}&pageSize=20`), handle: (r) => this.learnFrom(r) };
  }

  private viewProduct(): Step {
    const id = this.pick(this.catalog.productIds);
    return { name: 'view', request: this.jsonRequest('GET', `/products/${encodeURIComponent(String(id))}`), handle: (r) => (ok(r) ? 'continue' : 'fail') };
  }

  private register(): Step {
    return {
      name: 'register',
      onSend: () => this.ledger.accounts.set(this.email, this.password),
      request: this.jsonRequest('POST', '/users/register', { email: this.email, password: this.password, name: `Bench user ${this.index}` }),
      handle: (r) => {
        if (r?.status === 409) {
          this.registered = true; // an earlier attempt did register (its answer was lost)
          return 'continue';
        }
        if (!ok(r)) return 'fail';
        this.registered = true;
        const token = parseJson(r!.body)?.token;
        if (typeof token === 'string') this.token = token;
        return 'continue';
      },
    };
  }

  private login(): Step {
    return {
      name: 'login',
      request: this.jsonRequest('POST', '/users/login', { email: this.email, password: this.password }),
      handle: (r) => {
        if (!ok(r)) return 'fail';
        const token = parseJson(r!.body)?.token;
        if (typeof token !== 'string') return 'fail';
        this.token = token;
        return 'continue';
      },
    };
  }

  private me(): Step {
    return { name: 'me', request: this.jsonRequest('GET', '/users/me'), handle: (r) => (ok(r) ? 'continue' : 'fail') };
  }

  private addToCart(): Step {
    const productId = this.pick(this.catalog.productIds);
    const quantity = 1 + Math.floor(this.random() * 3);
    return {
      name: 'add',
      request: this.jsonRequest('POST', '/cart/items', { productId, quantity }),
      handle: (r) => {
        if (!ok(r)) return 'fail';
        this.cartItems += 1;
        return 'continue';
      },
    };
  }

  private viewCart(): Step {
    return {
      name: 'cart',
      request: this.jsonRequest('GET', '/cart'),
      handle: (r) => {
        if (!ok(r)) return 'fail';
        const items = parseJson(r!.body)?.items;
        if (Array.isArray(items)) this.cartItems = items.length;
        return 'continue';
      },
    };
  }

  private placeOrder(): Step {
    return {
      name: 'order',
      onSend: () => this.ledger.orderAttempts.set(this.email, (this.ledger.orderAttempts.get(this.email) ?? 0) + 1),
      request: this.jsonRequest('POST', '/orders'),
      handle: (r) => {
        if (!ok(r)) {
          if (r && r.status >= 400 && r.status < 500) this.cartItems = 0; // the server holds no cart for us
          return 'fail';
        }
        this.cartItems = 0;
        const order = parseJson(r!.body)?.order as Record<string, unknown> | undefined;
        const id = order?.id;
        if (typeof id !== 'string' && typeof id !== 'number') return 'fail';
        const totalCents = typeof order?.totalCents === 'number' ? order.totalCents : null;
        this.order = { id: String(id), key: randomUUID(), totalCents, payAttempts: 0, paid: false, statusChecked: false };
        this.ledger.acceptedOrders.set(String(id), { email: this.email, totalCents });
        return 'continue';
      },
    };
  }

  /** Pays the pending order; a lost answer or a 5xx is retried once with the SAME idempotency key. */
  private pay(): Step {
    const order = this.order!;
    return {
      name: order.payAttempts > 0 ? 'pay-retry' : 'pay',
      onSend: () => {
        order.payAttempts += 1;
      },
      request: this.jsonRequest('POST', '/payments', { orderId: order.id }, { 'idempotency-key': order.key }),
      handle: (r) => {
        if (ok(r)) {
          order.paid = true;
          const payment = parseJson(r!.body)?.payment as Record<string, unknown> | undefined;
          const entry = this.ledger.payments.get(order.id) ?? { email: this.email, idempotencyKey: order.key, paymentIds: new Set<string>(), amounts: [], statuses: [] };
          if (payment?.id !== undefined) entry.paymentIds.add(String(payment.id));
          if (typeof payment?.amountCents === 'number') entry.amounts.push(payment.amountCents);
          if (typeof payment?.status === 'string') entry.statuses.push(payment.status);
          this.ledger.payments.set(order.id, entry);
          return 'continue';
        }
        const retryable = r === null || r.status >= 500;
        if (retryable && order.payAttempts < 2) return 'continue';
        order.paid = true; // give up on this order: do not retry forever
        order.statusChecked = true;
        this.order = undefined;
        return 'fail';
      },
    };
  }

  private orderStatus(): Step {
    const order = this.order!;
    return {
      name: 'status',
      request: this.jsonRequest('GET', `/orders/${encodeURIComponent(order.id)}`),
      handle: (r) => {
        order.statusChecked = true;
        this.order = undefined;
        return ok(r) ? 'continue' : 'fail';
      },
    };
  }
}

export type { JourneyName };
