import { randomUUID } from 'node:crypto';
import type { JourneyMix, JourneyName } from './profile-schema.js';
import { pickJourney } from './schedule.js';

/**
 * User journeys over the shared HTTP contract, driven by virtual users that keep their own state
 * (account, JWT, cart, pending order). A journey is a planner: given the user's state it names the
 * next step, so a failed login or an empty cart changes the path instead of sending nonsense.
 *
 * This runs once per request at the generator's full rate, so the hot path allocates little: steps are
 * ids (not closures), the steps done in a journey are a bit mask, step keys are interned, GET requests
 * are reused (the same PlannedRequest object, so the phase runner reuses its encoded bytes; users
 * without a token share theirs), and a catalog page is parsed for learning once, not on every visit.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface PlannedRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** A catalog page already learnt from: its later answers are not parsed again. */
  learnt?: boolean;
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

  /** Plain data, to hand to a generator worker (structured clone). */
  snapshot(): CatalogSnapshot {
    return { productIds: [...this.productIds], categories: [...this.categories], words: [...this.words] };
  }

  /** Learns what another copy (a worker's) learnt. */
  absorb(s: CatalogSnapshot): void {
    this.learn(s.productIds.map((id) => ({ id })));
    this.learn(s.categories.map((category) => ({ category })));
    for (const w of s.words) if (this.words.length < 200 && !this.words.includes(w)) this.words.push(w);
  }
}

export interface CatalogSnapshot {
  productIds: (string | number)[];
  categories: string[];
  words: string[];
}

type PaymentEntry = { email: string; idempotencyKey: string; paymentIds: Set<string>; amounts: number[]; statuses: string[] };

/** What the run did that the application must have kept: checked by the invariants after the run. */
export class RunLedger {
  readonly accounts = new Map<string, string>();
  readonly orderAttempts = new Map<string, number>();
  readonly acceptedOrders = new Map<string, { email: string; totalCents: number | null }>();
  /** Per order: the payment ids and amounts answered for it (all under one idempotency key). */
  readonly payments = new Map<string, PaymentEntry>();

  /** Plain data, to return from a generator worker (structured clone). */
  snapshot(): LedgerSnapshot {
    return {
      accounts: [...this.accounts],
      orderAttempts: [...this.orderAttempts],
      acceptedOrders: [...this.acceptedOrders],
      payments: [...this.payments].map(([id, p]) => [id, { ...p, paymentIds: [...p.paymentIds] }]),
    };
  }

  /** Adds what a worker's ledger saw (its ledger starts empty each phase, so counts add up). */
  absorb(s: LedgerSnapshot): void {
    for (const [email, password] of s.accounts) this.accounts.set(email, password);
    for (const [email, n] of s.orderAttempts) this.orderAttempts.set(email, (this.orderAttempts.get(email) ?? 0) + n);
    for (const [id, o] of s.acceptedOrders) this.acceptedOrders.set(id, o);
    for (const [id, p] of s.payments) {
      const entry = this.payments.get(id) ?? { email: p.email, idempotencyKey: p.idempotencyKey, paymentIds: new Set<string>(), amounts: [], statuses: [] };
      for (const pid of p.paymentIds) entry.paymentIds.add(pid);
      entry.amounts.push(...p.amounts);
      entry.statuses.push(...p.statuses);
      this.payments.set(id, entry);
    }
  }
}

export interface LedgerSnapshot {
  accounts: [string, string][];
  orderAttempts: [string, number][];
  acceptedOrders: [string, { email: string; totalCents: number | null }][];
  payments: [string, Omit<PaymentEntry, 'paymentIds'> & { paymentIds: string[] }][];
}

const FALLBACK_WORDS = ['shirt', 'shoe', 'lamp', 'book', 'phone', 'chair', 'watch', 'bag'];
const MAX_STEPS_PER_JOURNEY = 12;
/** GET requests a virtual user with a token keeps for reuse (cleared past this, and whenever its token changes). */
const REQUEST_CACHE_SIZE = 64;
/** GET requests without a token, shared by all users of a catalog (cleared past this). */
const SHARED_CACHE_SIZE = 4096;
/** Request cache keys: kind + 8 x index (numbers: no string built to look one up). */
const K_LIST = 0;
const K_CATEGORY = 1;
const K_SEARCH = 2;
const K_FALLBACK_SEARCH = 3;
const K_VIEW = 4;
const K_ME = 5;
const K_CART = 6;
const sharedRequests = new WeakMap<CatalogKnowledge, Map<number, PlannedRequest>>();

/**
 * The route (API Gateway route key, the server's too) each step requests: `send` below builds each
 * step's request on it; the projection maps a step to the function serving it through this table.
 */
export const STEP_ROUTES = {
  list: 'GET /products',
  category: 'GET /products',
  search: 'GET /products',
  view: 'GET /products/{id}',
  register: 'POST /users/register',
  login: 'POST /users/login',
  me: 'GET /users/me',
  add: 'POST /cart/items',
  cart: 'GET /cart',
  order: 'POST /orders',
  pay: 'POST /payments',
  'pay-retry': 'POST /payments',
  status: 'GET /orders/{id}',
} as const;
export type StepName = keyof typeof STEP_ROUTES;

/** One bit per step name, for the set of steps a journey has done. */
const BIT: Record<StepName, number> = {
  list: 1,
  category: 2,
  search: 4,
  view: 8,
  register: 16,
  login: 32,
  me: 64,
  add: 128,
  cart: 256,
  order: 512,
  pay: 1024,
  'pay-retry': 2048,
  status: 4096,
};

/** Catalog pages: their body is read to learn products, categories and words (once per page). */
const LEARNS: Record<StepName, boolean> = {
  list: true,
  category: true,
  search: true,
  view: false,
  register: false,
  login: false,
  me: false,
  add: false,
  cart: false,
  order: false,
  pay: false,
  'pay-retry': false,
  status: false,
};

/** Steps whose answer body the user reads; the others are judged by their status alone. */
const READS_BODY: Record<StepName, boolean> = {
  list: true,
  category: true,
  search: true,
  view: false,
  register: true,
  login: true,
  me: false,
  add: false,
  cart: true,
  order: true,
  pay: true,
  'pay-retry': true,
  status: false,
};

/** "<journey>.<step>", built once per pair (the recorder keys its maps by it on every request). */
const stepKeys = new Map<string, Map<string, string>>();
function stepKeyOf(journey: string, step: string): string {
  let row = stepKeys.get(journey);
  if (!row) stepKeys.set(journey, (row = new Map()));
  let key = row.get(step);
  if (key === undefined) row.set(step, (key = `${journey}.${step}`));
  return key;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** status 0 = no answer (connection error or timeout). */
const ok = (status: number): boolean => status >= 200 && status < 300;

type Verdict = 'continue' | 'fail';

export interface VirtualUserOptions {
  index: number;
  runId: string;
  random: () => number;
  catalog: CatalogKnowledge;
  ledger: RunLedger;
  /** An account registered before the run (seed users), if any. */
  seededAccount?: { email: string; password: string };
}

interface PendingOrder {
  id: string;
  key: string;
  totalCents: number | null;
  payAttempts: number;
  paid: boolean;
  statusChecked: boolean;
}

/** A virtual user's state between phases, as plain data (to move it to and from a generator worker). */
export interface VirtualUserState {
  index: number;
  email: string;
  password: string;
  registered: boolean;
  token?: string;
  cartItems: number;
  order?: PendingOrder;
  journey?: { name: JourneyName; steps: number; done: number; failed: boolean };
}

export class VirtualUser {
  readonly index: number;
  readonly email: string;
  readonly password: string;
  private registered: boolean;
  private token: string | undefined;
  private cartItems = 0;
  private order: PendingOrder | undefined;
  /** The journey in progress (undefined = none): its name, steps sent, steps done (bit mask), failed. */
  private journey: JourneyName | undefined;
  private steps = 0;
  private done = 0;
  private failed = false;
  private current: StepName | undefined;
  private currentRequest: PlannedRequest | undefined;
  private currentKey = 'none.none';
  /** The pending order the in-flight pay step is for. */
  private payingOrder: PendingOrder | undefined;
  private readonly requests = new Map<number, PlannedRequest>();
  private readonly shared: Map<number, PlannedRequest>;
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
    let shared = sharedRequests.get(opts.catalog);
    if (!shared) sharedRequests.set(opts.catalog, (shared = new Map()));
    this.shared = shared;
  }

  /** Rebuilds a user from its state (in a generator worker, or back in the parent). */
  static restore(state: VirtualUserState, opts: Omit<VirtualUserOptions, 'index' | 'seededAccount'>): VirtualUser {
    const vu = new VirtualUser({ ...opts, index: state.index, seededAccount: { email: state.email, password: state.password } });
    vu.registered = state.registered;
    vu.token = state.token;
    vu.cartItems = state.cartItems;
    vu.order = state.order ? { ...state.order } : undefined;
    if (state.journey) {
      vu.journey = state.journey.name;
      vu.steps = state.journey.steps;
      vu.done = state.journey.done;
      vu.failed = state.journey.failed;
    }
    return vu;
  }

  state(): VirtualUserState {
    return {
      index: this.index,
      email: this.email,
      password: this.password,
      registered: this.registered,
      token: this.token,
      cartItems: this.cartItems,
      order: this.order ? { ...this.order } : undefined,
      journey: this.journey ? { name: this.journey, steps: this.steps, done: this.done, failed: this.failed } : undefined,
    };
  }

  /** "<journey>.<step>" of the request in flight. */
  get currentStepKey(): string {
    return this.currentKey;
  }

  /** Whether the step in flight reads the answer's body (the others need only its status). */
  get wantsBody(): boolean {
    const step = this.current;
    if (step === undefined || !READS_BODY[step]) return false;
    return !(LEARNS[step] && this.currentRequest?.learnt);
  }

  /** Plans the next request, starting a new journey when the current one is over. */
  next(): PlannedRequest {
    if (this.journey === undefined) this.startJourney();
    let step = this.steps < MAX_STEPS_PER_JOURNEY ? this.plan() : undefined;
    if (step === undefined) {
      this.endJourney(this.steps >= MAX_STEPS_PER_JOURNEY || this.failed ? 'failed' : 'completed');
      this.startJourney();
      step = this.plan() ?? 'list';
    }
    this.steps += 1;
    this.current = step;
    this.currentKey = stepKeyOf(this.journey!, step);
    return (this.currentRequest = this.send(step));
  }

  /** Feeds the answer to the step in flight: its status (0 = no answer: connection error or timeout) and body. */
  handle(status: number, body = ''): void {
    const step = this.current;
    if (step === undefined || this.journey === undefined) return;
    this.current = undefined;
    const request = this.currentRequest!;
    this.currentRequest = undefined;
    if (status === 401) this.setToken(undefined);
    const verdict = this.judge(step, status, body, request);
    this.done |= BIT[step];
    if (verdict === 'fail') {
      this.failed = true;
      this.endJourney('failed');
    } else if (this.steps >= MAX_STEPS_PER_JOURNEY || this.plan() === undefined) {
      // The journey's last step succeeded: count it completed now, not when the next one starts.
      this.endJourney(this.steps >= MAX_STEPS_PER_JOURNEY ? 'failed' : 'completed');
    }
  }

  private startJourney(): void {
    const name = pickJourney(this.mix, this.random);
    this.journey = name;
    this.steps = 0;
    this.done = 0;
    this.failed = false;
    this.onJourney(name, 'started');
  }

  private endJourney(outcome: 'completed' | 'failed'): void {
    if (this.journey === undefined) return;
    const name = this.journey;
    this.journey = undefined;
    this.onJourney(name, outcome);
  }

  private has(step: StepName): boolean {
    return (this.done & BIT[step]) !== 0;
  }

  /** The journey's next step, or undefined when it is over. Pure: no randomness, no side effects. */
  private plan(): StepName | undefined {
    const products = this.catalog.productIds.length;
    switch (this.journey!) {
      case 'browse':
        if (!this.has('list')) return 'list';
        if (!this.has('category') && this.catalog.categories.length > 0) return 'category';
        return undefined;
      case 'search':
        return this.has('search') ? undefined : 'search';
      case 'viewProduct':
        if (products === 0 && !this.has('list')) return 'list';
        return this.has('view') || products === 0 ? undefined : 'view';
      case 'login':
        if (!this.has('register') && !this.registered) return 'register';
        if (!this.has('login')) return 'login';
        return this.has('me') || !this.token ? undefined : 'me';
      case 'addToCart': {
        const auth = this.authenticate();
        if (auth !== null) return auth;
        if (products === 0 && !this.has('list')) return 'list';
        if (!this.has('add')) return products ? 'add' : undefined;
        return this.has('cart') ? undefined : 'cart';
      }
      case 'checkout': {
        if (this.order && !this.order.paid && this.order.payAttempts < 2) return this.order.payAttempts > 0 ? 'pay-retry' : 'pay';
        if (this.order && !this.order.statusChecked) return 'status';
        if (this.has('status')) return undefined;
        const auth = this.authenticate();
        if (auth !== null) return auth;
        if (this.cartItems === 0) {
          if (products === 0) return this.has('list') ? undefined : 'list';
          return this.has('add') ? undefined : 'add';
        }
        return this.has('order') ? undefined : 'order';
      }
    }
  }

  /** Register or log in when the user has no token; null when already authenticated. */
  private authenticate(): StepName | undefined | null {
    if (this.token) return null;
    if (!this.registered) return this.has('register') ? undefined : 'register';
    return this.has('login') ? undefined : 'login';
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private setToken(token: string | undefined): void {
    if (token === this.token) return;
    this.token = token;
    this.requests.clear();
  }

  private jsonRequest(method: HttpMethod, path: string, body?: unknown, extra?: Record<string, string>): PlannedRequest {
    const headers: Record<string, string> = extra ? { accept: 'application/json', ...extra } : { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body === undefined) return { method, path, headers };
    headers['content-type'] = 'application/json';
    return { method, path, headers, body: JSON.stringify(body) };
  }

  /**
   * GETs with this user's headers are reused: by every user without a token, by this user while its token
   * is unchanged. `cached(key) ?? remember(key, path)` builds the path only on a miss.
   */
  private cached(key: number): PlannedRequest | undefined {
    return (this.token ? this.requests : this.shared).get(key);
  }

  private remember(key: number, path: string): PlannedRequest {
    const cache = this.token ? this.requests : this.shared;
    if (cache.size >= (this.token ? REQUEST_CACHE_SIZE : SHARED_CACHE_SIZE)) cache.clear();
    const req = this.jsonRequest('GET', path);
    cache.set(key, req);
    return req;
  }

  private draw(length: number): number {
    return Math.floor(this.random() * length);
  }

  /** The request for a step, with the side effects of actually sending it. */
  private send(step: StepName): PlannedRequest {
    switch (step) {
      case 'list': {
        const page = 1 + this.draw(3);
        const key = K_LIST + 8 * page;
        return this.cached(key) ?? this.remember(key, `/products?page=${page}&pageSize=20`);
      }
      case 'category': {
        const categories = this.catalog.categories;
        const i = this.draw(categories.length);
        const key = K_CATEGORY + 8 * i;
        return this.cached(key) ?? this.remember(key, `/products?category=${encodeURIComponent(categories[i]!)}&page=1&pageSize=20`);
      }
      case 'search': {
        const fallback = this.catalog.words.length === 0;
        const words = fallback ? FALLBACK_WORDS : this.catalog.words;
        const i = this.draw(words.length);
        const key = (fallback ? K_FALLBACK_SEARCH : K_SEARCH) + 8 * i;
        return this.cached(key) ?? this.remember(key, `/products?q=${encodeURIComponent(words[i]!)}&pageSize=20`);
      }
      case 'view': {
        const ids = this.catalog.productIds;
        const i = this.draw(ids.length);
        const key = K_VIEW + 8 * i;
        return this.cached(key) ?? this.remember(key, `/products/${encodeURIComponent(String(ids[i]))}`);
      }
      case 'register':
        this.ledger.accounts.set(this.email, this.password);
        return this.jsonRequest('POST', '/users/register', { email: this.email, password: this.password, name: `Bench user ${this.index}` });
      case 'login':
        return this.jsonRequest('POST', '/users/login', { email: this.email, password: this.password });
      case 'me':
        return this.cached(K_ME) ?? this.remember(K_ME, '/users/me');
      case 'add': {
        const productId = this.pick(this.catalog.productIds);
        const quantity = 1 + Math.floor(this.random() * 3);
        return this.jsonRequest('POST', '/cart/items', { productId, quantity });
      }
      case 'cart':
        return this.cached(K_CART) ?? this.remember(K_CART, '/cart');
      case 'order':
        this.ledger.orderAttempts.set(this.email, (this.ledger.orderAttempts.get(this.email) ?? 0) + 1);
        return this.jsonRequest('POST', '/orders');
      case 'pay':
      case 'pay-retry': {
        const order = this.order!;
        this.payingOrder = order;
        order.payAttempts += 1;
        return this.jsonRequest('POST', '/payments', { orderId: order.id }, { 'idempotency-key': order.key });
      }
      case 'status':
        return this.jsonRequest('GET', `/orders/${encodeURIComponent(this.order!.id)}`);
    }
  }

  private learnFrom(status: number, body: string, request: PlannedRequest): Verdict {
    if (!ok(status)) return 'fail';
    if (!request.learnt) {
      this.catalog.learn(parseJson(body)?.items);
      request.learnt = true;
    }
    return 'continue';
  }

  /** What the answer (status 0 = none) means for the step. */
  private judge(step: StepName, status: number, body: string, request: PlannedRequest): Verdict {
    switch (step) {
      case 'list':
      case 'category':
      case 'search':
        return this.learnFrom(status, body, request);
      case 'view':
      case 'me':
        return ok(status) ? 'continue' : 'fail';
      case 'register': {
        if (status === 409) {
          this.registered = true; // an earlier attempt did register (its answer was lost)
          return 'continue';
        }
        if (!ok(status)) return 'fail';
        this.registered = true;
        const token = parseJson(body)?.token;
        if (typeof token === 'string') this.setToken(token);
        return 'continue';
      }
      case 'login': {
        if (!ok(status)) return 'fail';
        const token = parseJson(body)?.token;
        if (typeof token !== 'string') return 'fail';
        this.setToken(token);
        return 'continue';
      }
      case 'add':
        if (!ok(status)) return 'fail';
        this.cartItems += 1;
        return 'continue';
      case 'cart': {
        if (!ok(status)) return 'fail';
        const items = parseJson(body)?.items;
        if (Array.isArray(items)) this.cartItems = items.length;
        return 'continue';
      }
      case 'order': {
        if (!ok(status)) {
          if (status >= 400 && status < 500) this.cartItems = 0; // the server holds no cart for us
          return 'fail';
        }
        this.cartItems = 0;
        const order = parseJson(body)?.order as Record<string, unknown> | undefined;
        const id = order?.id;
        if (typeof id !== 'string' && typeof id !== 'number') return 'fail';
        const totalCents = typeof order?.totalCents === 'number' ? order.totalCents : null;
        this.order = { id: String(id), key: randomUUID(), totalCents, payAttempts: 0, paid: false, statusChecked: false };
        this.ledger.acceptedOrders.set(String(id), { email: this.email, totalCents });
        return 'continue';
      }
      case 'pay':
      case 'pay-retry':
        return this.judgePayment(status, body);
      case 'status': {
        const order = this.order;
        if (order) order.statusChecked = true;
        this.order = undefined;
        return ok(status) ? 'continue' : 'fail';
      }
    }
  }

  /** A lost answer or a 5xx is retried once with the SAME idempotency key. */
  private judgePayment(status: number, body: string): Verdict {
    const order = this.payingOrder!;
    this.payingOrder = undefined;
    if (ok(status)) {
      order.paid = true;
      const payment = parseJson(body)?.payment as Record<string, unknown> | undefined;
      const entry = this.ledger.payments.get(order.id) ?? { email: this.email, idempotencyKey: order.key, paymentIds: new Set<string>(), amounts: [], statuses: [] };
      if (payment?.id !== undefined) entry.paymentIds.add(String(payment.id));
      if (typeof payment?.amountCents === 'number') entry.amounts.push(payment.amountCents);
      if (typeof payment?.status === 'string') entry.statuses.push(payment.status);
      this.ledger.payments.set(order.id, entry);
      return 'continue';
    }
    const retryable = status === 0 || status >= 500;
    if (retryable && order.payAttempts < 2) return 'continue';
    order.paid = true; // give up on this order: do not retry forever
    order.statusChecked = true;
    if (this.order === order) this.order = undefined;
    return 'fail';
  }
}

export type { JourneyName };
