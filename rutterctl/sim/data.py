"""Deterministic merchant data: every record is a pure function of (seed, connection, index).

Nothing is stored: a merchant with a million orders costs what one with ten does. Historical
records are spread evenly (with jitter) over the history before the connection was created,
oldest first, so index order is creation order and a date filter is a binary search. Orders
created by ongoing syncs follow them, each inside the 10 minutes before its sync completed.
Transactions are one per order (a sale, a refund or a failed charge), sharing its index.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

from rutterctl.sim.model import SYNC_INTERVAL
from rutterctl.sim.timeline import Segment, instant_of

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
DAY = 86400.0
MAX_UPDATE_DELAY = 2 * DAY  # a historical record is updated at most this long after creation

FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus", "Radia", "Tim")
LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Perlman")
CITIES = (
    ("San Francisco", "CA", "94110", "US"),
    ("Austin", "TX", "78701", "US"),
    ("Toronto", "ON", "M5V 2T6", "CA"),
    ("London", "LDN", "EC1A 1BB", "GB"),
    ("Berlin", "BE", "10115", "DE"),
)
PRODUCTS = ("Canvas Tote", "Wool Beanie", "Trail Mug", "Linen Shirt", "Field Notebook", "Sock Pack")
GATEWAYS = ("shopify_payments", "stripe", "paypal")


def mix(x: int) -> int:
    """splitmix64's finaliser: a fast, well-spread 64-bit hash."""
    x = (x + GOLDEN) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def key_of(seed: int, text: str) -> int:
    k = mix(seed & MASK)
    for byte in text.encode():
        k = mix(k ^ byte)
    return k


def frac(h: int) -> float:
    return (h >> 11) / float(1 << 53)


@functools.lru_cache(maxsize=1 << 16)  # product and customer ids recur on every page
def uid(key: int, tag: int, index: int) -> str:
    """A UUID-shaped id (version 4 layout) for record `index` of kind `tag`."""
    a = mix(key ^ (tag << 58) ^ ((index * GOLDEN) & MASK))
    b = (a * 0xD6E8FEB86659FD93 + index) & MASK
    h = f"{a:016x}{b:016x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


@functools.lru_cache(maxsize=4096)
def _day(days: int) -> str:
    return time.strftime("%Y-%m-%dT", time.gmtime(days * 86400))


def iso(t: float) -> str:
    """Rutter's timestamp style: 2023-01-02T02:34:56.000Z."""
    ms = round(t * 1000)
    days, ms = divmod(ms, 86_400_000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{_day(days)}{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}Z"


TAG_ORDER, TAG_TXN, TAG_PRODUCT, TAG_CUSTOMER, TAG_LINE, TAG_FULFIL = 1, 2, 3, 4, 5, 6
PAYMENT_OUTCOMES = {  # payment_status -> the transaction's (status, type)
    "paid": ("success", "sale"),
    "pending": ("pending", "sale"),
    "refunded": ("success", "refund"),
    "failed": ("failure", "sale"),
}


class _Line(NamedTuple):
    id: str
    platform_id: int
    product: int
    qty: int
    unit: float
    price: float


class _Order(NamedTuple):
    i: int
    h: int
    id: str
    created: str
    updated: str
    customer: int
    first: str
    last: str
    city: tuple[str, str, str, str]
    phone: str
    street: str
    lines: tuple[_Line, ...]
    subtotal: float
    shipping: float
    discount: float
    tax: float
    total: float
    status: str
    payment: str
    fulfillment: str


@dataclass(frozen=True)
class Catalog:
    """The fixed facts of one merchant's data."""

    key: int
    platform: str
    orders: int  # historical orders
    products: int
    customers: int
    history_start: float
    history_end: float  # the connection's creation instant
    per_sync: int


class OrderSpace:
    """Orders (and their transactions) as they stand at one instant: indices [lo, hi)."""

    def __init__(
        self,
        catalog: Catalog,
        segments: tuple[Segment, ...],
        history_end_elapsed: float,
        completed_syncs: int,
        lo: int,
    ) -> None:
        self.catalog = catalog
        self.segments = segments
        self.history_end_elapsed = history_end_elapsed
        self.completed_syncs = completed_syncs
        self.lo = lo
        self.hi = catalog.orders + completed_syncs * catalog.per_sync
        n = max(1, catalog.orders)
        self.step = (catalog.history_end - catalog.history_start) / n
        self._sync_times: dict[int, float] = {}
        self._hashes: dict[int, int] = {}

    def sync_time(self, k: int) -> float:
        """When ongoing sync `k` (1-based) completed."""
        cached = self._sync_times.get(k)
        if cached is None:
            at = instant_of(self.segments, self.history_end_elapsed + k * SYNC_INTERVAL)
            cached = at if at is not None else self.catalog.history_end
            self._sync_times[k] = cached
        return cached

    def _hash(self, i: int) -> int:
        # One order's fields all derive from this hash: memoised, as a document needs it often.
        h = self._hashes.get(i)
        if h is None:
            if len(self._hashes) > 4096:
                self._hashes.clear()
            h = self._hashes[i] = mix(self.catalog.key ^ mix(TAG_ORDER * GOLDEN + i))
        return h

    def order_created(self, i: int) -> float:
        h = self._hash(i)
        c = self.catalog
        if i < c.orders:
            return c.history_start + (i + 0.05 + 0.9 * frac(h)) * self.step
        j = i - c.orders
        per = c.per_sync
        slot = SYNC_INTERVAL / per
        return (
            self.sync_time(j // per + 1) - SYNC_INTERVAL + (j % per + 0.05 + 0.9 * frac(h)) * slot
        )

    def _gap(self, i: int) -> float:
        return self.step if i < self.catalog.orders else SYNC_INTERVAL / self.catalog.per_sync

    def order_updated(self, i: int) -> float:
        created = self.order_created(i)
        c = self.catalog
        if i < c.orders:
            delay = frac(mix(self._hash(i) ^ 1)) * MAX_UPDATE_DELAY
            return max(created, min(created + delay, c.history_end))
        j = i - c.orders
        sync = j // c.per_sync + 1
        if j % c.per_sync == 0 and sync + 1 <= self.completed_syncs:
            return self.sync_time(sync + 1)  # fulfilled by the next sync: ORDER_UPDATED
        return created

    def txn_created(self, i: int) -> float:
        return self.order_created(i) + 0.04 * self._gap(i) * frac(mix(self._hash(i) ^ 2))

    def payment_status(self, i: int) -> str:
        r = mix(self._hash(i) ^ 3) % 100
        return "paid" if r < 82 else "pending" if r < 89 else "refunded" if r < 95 else "failed"

    def fulfillment_status(self, i: int) -> str:
        c = self.catalog
        if i >= c.orders:
            updated = self.order_updated(i) != self.order_created(i)
            return "fulfilled" if updated else "unfulfilled"
        r = mix(self._hash(i) ^ 4) % 100
        if r < 72:
            return "fulfilled"
        return "unfulfilled" if r < 88 else "partial" if r < 97 else "unknown"

    def order_id(self, i: int) -> str:
        return uid(self.catalog.key, TAG_ORDER, i)

    def order_number(self, i: int) -> str:
        return str(1001 + i)

    # -- documents ------------------------------------------------------------------------
    def _parts(self, i: int) -> _Order:
        c = self.catalog
        h = self._hash(i)
        created = iso(self.order_created(i))
        lines = []
        subtotal = 0.0
        for n in range(1 + (h >> 35) % 3):
            lh = mix(h ^ (n + 11))
            p = lh % max(1, c.products)
            qty = 1 + (lh >> 8) % 3
            unit = round(5 + (lh >> 12) % 9500 / 100, 2)
            price = round(unit * qty, 2)
            subtotal += price
            line_no = i * 4 + n
            lines.append(
                _Line(uid(c.key, TAG_LINE, line_no), 9_000_000 + line_no, p, qty, unit, price)
            )
        subtotal = round(subtotal, 2)
        shipping = 0.0 if subtotal > 100 else 7.5
        discount = round(subtotal * 0.1, 2) if (h >> 40) % 10 == 0 else 0.0
        tax = round((subtotal - discount) * 0.08, 2)
        r_status = (h >> 44) % 100
        return _Order(
            i=i,
            h=h,
            id=self.order_id(i),
            created=created,
            updated=iso(self.order_updated(i)),
            customer=(h >> 7) % max(1, c.customers),
            first=FIRST[(h >> 13) % len(FIRST)],
            last=LAST[(h >> 17) % len(LAST)],
            city=CITIES[(h >> 21) % len(CITIES)],
            phone=f"555{(h >> 24) % 10_000_000:07d}",
            street=f"{(h >> 31) % 900 + 100} Market Street",
            lines=tuple(lines),
            subtotal=subtotal,
            shipping=shipping,
            discount=discount,
            tax=tax,
            total=round(subtotal - discount + shipping + tax, 2),
            status="cancelled" if r_status < 3 else "archived" if r_status < 13 else "active",
            payment=self.payment_status(i),
            fulfillment=self.fulfillment_status(i),
        )

    def order(self, i: int, *, with_transactions: bool = False) -> dict[str, Any]:
        """Order `i` as a document (webhooks, tests); `order_json` is the same, serialised."""
        doc: dict[str, Any] = json.loads(self.order_json(i, with_transactions=with_transactions))
        return doc

    def order_json(self, i: int, *, with_transactions: bool = False) -> str:
        """Order `i` as compact JSON, formatted directly: pages are generated at request time,
        and building dicts to hand to json.dumps would double the cost. Every string in it
        comes from fixed ASCII word lists, digits or hex, so none needs escaping."""
        o = self._parts(i)
        key = self.catalog.key
        city, region, postal, country = o.city
        address = (
            f'{{"address1":"{o.street}","address2":"","city":"{city}",'
            f'"country_code":"{country}","first_name":"{o.first}","last_name":"{o.last}",'
            f'"postal_code":"{postal}","region":"{region}","phone":"{o.phone}"}}'
        )
        lines, fulfilled = [], []
        for line in o.lines:
            pid = uid(key, TAG_PRODUCT, line.product)
            title = PRODUCTS[line.product % len(PRODUCTS)]
            common = f'"product_id":"{pid}","variant_id":"{pid}","price":{line.price!r}'
            lines.append(
                f'{{"id":"{line.id}","platform_id":"{line.platform_id}",{common},'
                f'"quantity":{line.qty},"iso_currency_code":"USD",'
                f'"sku":"SKU-{line.product:05d}","title":"{title}","unit_cost":{line.unit!r},'
                f'"created_at":"{o.created}","updated_at":"{o.created}"}}'
            )
            fulfilled.append(
                f'{{"id":"{line.id}",{common},"quantity":{line.qty},'
                f'"sku":"SKU-{line.product:05d}","title":"{title}"}}'
            )
        fulfillments = ""
        if o.fulfillment == "fulfilled":
            tracking = f"1Z{o.h % 10**12:012d}"
            fulfillments = (
                f'{{"id":"{uid(key, TAG_FULFIL, i)}","order_id":"{o.id}","carrier":"UPS",'
                f'"service":"Ground","tracking_number":"{tracking}",'
                f'"tracking_url":"https://www.ups.com/track?tracknum={tracking}",'
                f'"line_items":[{",".join(fulfilled)}]}}'
            )
        number = 1001 + i
        email = f"{o.first.lower()}.{o.last.lower()}{o.customer}@example.com"
        cancelled = f'"cancelled_at":"{o.updated}",' if o.status == "cancelled" else ""
        transactions = ""
        if with_transactions:
            transactions = f',"transactions":[{self._transaction_json(o)}]'
        return (
            f'{{"id":"{o.id}","platform_id":"{5_000_000 + i}","payment_status":"{o.payment}",'
            f'"status":"{o.status}",{cancelled}"total_discount":{o.discount!r},'
            f'"total_price":{o.total!r},"fulfillment_status":"{o.fulfillment}",'
            f'"iso_currency_code":"USD","name":"#{number}","order_number":"{number}",'
            f'"source_name":"web","total_line_items_price":{o.subtotal!r},'
            f'"total_shipping":{o.shipping!r},"total_shipping_discount":0,"total_tax":{o.tax!r},'
            f'"tags":[],"billing_address":{address},"shipping_address":{address},'
            f'"customer":{{"id":"{uid(key, TAG_CUSTOMER, o.customer)}",'
            f'"platform_id":"{7_000_000 + o.customer}","email":"{email}",'
            f'"first_name":"{o.first}","last_name":"{o.last}","phone":"{o.phone}",'
            f'"created_at":"{o.created}","updated_at":"{o.created}"}},'
            f'"fulfillments":[{fulfillments}],"line_items":[{",".join(lines)}],'
            f'"created_at":"{o.created}","updated_at":"{o.updated}"{transactions}}}'
        )

    def transaction(self, i: int) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.transaction_json(i))
        return doc

    def transaction_json(self, i: int) -> str:
        return self._transaction_json(self._parts(i))

    def _transaction_json(self, o: _Order) -> str:
        status, kind = PAYMENT_OUTCOMES[o.payment]
        h = mix(o.h ^ 5)
        amount = o.total
        created = iso(self.txn_created(o.i))
        method = "card" if h % 100 < 88 else "other" if h % 100 < 96 else "cash"
        return (
            f'{{"id":"{uid(self.catalog.key, TAG_TXN, o.i)}","platform_id":"{6_000_000 + o.i}",'
            f'"order_id":"{o.id}","platform_customer_id":"{7_000_000 + o.customer}",'
            f'"payment_method_type":"{method}","status":"{status}","type":"{kind}",'
            f'"amount":{amount!r},"fee":{round(amount * 0.029 + 0.3, 2)!r},'
            f'"gateway":"{GATEWAYS[(h >> 9) % len(GATEWAYS)]}","iso_currency_code":"USD",'
            f'"platform_type":"{method}","description":"For order #{1001 + o.i}",'
            f'"created_at":"{created}","updated_at":"{created}"}}'
        )


def product_stub(catalog: Catalog, index: int, at: float) -> dict[str, Any]:
    """What a product webhook carries: enough to identify the product."""
    return {
        "id": uid(catalog.key, TAG_PRODUCT, index),
        "platform_id": str(8_000_000 + index),
        "name": PRODUCTS[index % len(PRODUCTS)],
        "updated_at": iso(at),
    }


def historical_created(catalog: Catalog, total: int, index: int, salt: int) -> float:
    """Creation instant of historical record `index` of `total` (products, customers)."""
    step = (catalog.history_end - catalog.history_start) / max(1, total)
    h = mix(catalog.key ^ mix(salt * GOLDEN + index))
    return catalog.history_start + (index + 0.05 + 0.9 * frac(h)) * step
