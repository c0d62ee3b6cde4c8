"""The master data indexed for matching: products by every code a customer may write, customers by
every identifier a document may carry, contract prices by customer and quantity."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from matching.fuzzy import Candidate, ProductIndex
from matching.normalize import fast_fold, norm_code, norm_siret, norm_vat, split_prefix, word_set
from orderintake.domain import Customer, PriceRow, Product
from orderintake.masterdata import MasterData, bulk_load

# Legal forms and words that many company names share: they do not tell customers apart.
COMPANY_WORDS = word_set(
    """sa sas sasu sarl eurl snc sci scop sca selarl ei eirl srl sprl nv bv bvba cv asbl vzw gmbh ag kg ohg
    ltd llc inc plc co cie et fils freres groupe group societe ste ets etablissements de du des la le
    les l d en and the of und"""
)


def name_tokens(text: str) -> list[str]:
    """Words of a company name or a document, without accents, for comparing names."""
    return re.findall(r"[a-z0-9]+", fast_fold(text or ""))


def street_key(address: str) -> tuple[str, list[str]] | None:
    """('59000', ['14', 'rue', 'molinel']) from '14 rue du Molinel, 59000 Lille': postal code and street."""
    postal = re.search(r"\b(\d{4,5})\b(?=\s+[A-Za-zÀ-ÿ])", address)
    if not postal:
        return None
    for segment in address.split(","):
        m = re.match(r"\s*(\d+\s?(?:bis|ter|[a-z])?)\b\s+(.+)", segment.strip(), re.IGNORECASE)
        if m and m.group(1).strip() != postal.group(1):
            words = [w for w in name_tokens(m.group(2)) if len(w) > 2 and w not in COMPANY_WORDS]
            return postal.group(1), [name_tokens(m.group(1))[0], *words[-2:]]
    # no numbered street ("Chemin du Halage, 59136 Wavrin"): the first segment's words
    first = [w for w in name_tokens(address.split(",")[0]) if len(w) > 2 and w not in COMPANY_WORDS]
    return (postal.group(1), first[-3:]) if first else None


def acronyms(name: str) -> set[str]:
    """'Habitat Flandre Métropole (OPH)' -> {'hfm', 'oph'}: initials, and words written as acronyms."""
    found = {w.lower() for w in re.findall(r"\b[A-Z]{3,5}\b", name) if w.lower() not in COMPANY_WORDS}
    words = distinctive_name(name)
    for end in range(3, len(words) + 1):
        found.add("".join(w[0] for w in words[:end]))
    return found


def distinctive_name(name: str) -> list[str]:
    """The words of a customer name that identify it ('SARL Durand Électricité' -> durand, electricite)."""
    main = re.split(r"\s+[—–]\s+|\s+-\s+|\(", name)[0]  # 'Ville de X — Service Travaux' -> 'Ville de X'
    words = [w for w in name_tokens(main) if w not in COMPANY_WORDS and len(w) > 1]
    return words or [w for w in name_tokens(name) if len(w) > 1]


_NOT_DIGIT = re.compile(r"\D")


def _digits(text: str) -> str:
    return text if text.isdecimal() and text.isascii() else _NOT_DIGIT.sub("", text)


def _add_to(index: dict[str, tuple[str, ...]], key: str, sku: str) -> None:
    found = index.get(key)
    if found is None:
        index[key] = (sku,)
    elif sku not in found:
        index[key] = (*found, sku)


class Catalog:
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}
        self.customers: dict[str, Customer] = {}
        self.by_ean: dict[str, str] = {}
        # tuples rather than sets: one per product, and nearly all hold a single sku
        self.by_code: dict[str, tuple[str, ...]] = {}  # normalised sku -> skus
        self.by_ref: dict[str, tuple[str, ...]] = {}  # normalised sku without brand prefix -> skus
        self.items: dict[tuple[str, str], str] = {}  # (customer_id, normalised customer sku) -> sku
        self.item_owners: dict[str, set[str]] = defaultdict(set)  # normalised customer sku -> customer ids
        self.prices: dict[tuple[str, str], list[PriceRow]] = defaultdict(list)  # (price list, sku) -> rows
        self.by_domain: dict[str, set[str]] = defaultdict(set)
        self.by_vat: dict[str, set[str]] = defaultdict(set)
        self.by_siret: dict[str, set[str]] = defaultdict(set)
        self.by_siren: dict[str, set[str]] = defaultdict(set)
        self.by_id_norm: dict[str, str] = {}
        self.name_words: dict[str, list[str]] = {}  # customer_id -> distinctive words of its name
        self.name_word_df: dict[str, int] = defaultdict(int)  # in how many customer names a word appears
        self.full_name_words: dict[str, list[str]] = {}  # customer_id -> every word of its name
        self.by_name_word: dict[str, set[str]] = defaultdict(set)
        self.by_acronym: dict[str, set[str]] = defaultdict(set)
        self.domain_labels: dict[str, set[str]] = defaultdict(set)  # 'hfm', 'habitat' for hfm-habitat.fr
        self.customers_of_list: dict[str, set[str]] = defaultdict(set)
        self.lists_of_sku: dict[str, set[str]] = defaultdict(set)
        self.by_postal: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)  # postal -> (id, street)
        self.product_index = ProductIndex()

    # ------------------------------------------------------------------ building

    @classmethod
    def from_master(cls, master: MasterData) -> Catalog:
        with bulk_load():
            catalog = cls()
            for product in master.products:
                catalog.add_product(product)
            for customer in master.customers:
                catalog.add_customer(customer)
            for item in master.customer_items:
                key = norm_code(item.customer_sku)
                if key and item.sku in catalog.products:
                    catalog.items[(item.customer_id, key)] = item.sku
                    catalog.item_owners[key].add(item.customer_id)
            for row in master.price_rows:
                catalog.prices[(row.price_list, row.sku)].append(row)
                catalog.lists_of_sku[row.sku].add(row.price_list)
            for rows in catalog.prices.values():
                if len(rows) > 1:
                    rows.sort(key=lambda r: r.min_qty)
            catalog.product_index.freeze()
        return catalog

    def add_product(self, product: Product) -> None:
        sku = product.sku
        self.products[sku] = product
        if product.ean:
            self.by_ean[_digits(product.ean).lstrip("0")] = sku
        _add_to(self.by_code, norm_code(sku), sku)
        split = split_prefix(sku)
        if split:
            _add_to(self.by_ref, split[1], sku)
        self.product_index.add(sku, product.name, product.unit, split[0] if split else "")

    def add_customer(self, customer: Customer) -> None:
        cid = customer.customer_id
        self.customers[cid] = customer
        self.by_id_norm[norm_code(cid)] = cid
        for domain in customer.email_domains:
            self.by_domain[domain.lower().strip()].add(cid)
            self.domain_labels[cid].update(re.split(r"[-.]", domain.lower().rsplit(".", 1)[0]))
        if customer.vat_number:
            self.by_vat[norm_vat(customer.vat_number)].add(cid)
        siret = norm_siret(customer.siret)
        if len(siret) == 14:
            self.by_siret[siret].add(cid)
        if len(siret) >= 9:
            self.by_siren[siret[:9]].add(cid)
        vat = norm_vat(customer.vat_number)
        if vat.startswith("FR") and len(vat) == 13:  # a French VAT number holds the SIREN
            self.by_siren[vat[4:]].add(cid)
        words = distinctive_name(customer.name)
        self.name_words[cid] = words
        full = [w for w in name_tokens(customer.name) if w not in COMPANY_WORDS and len(w) > 1]
        self.full_name_words[cid] = list(dict.fromkeys(full or words))
        for word in set(words) | set(full):
            self.name_word_df[word] += 1
            self.by_name_word[word].add(cid)
        for acronym in acronyms(customer.name):
            self.by_acronym[acronym].add(cid)
        if customer.price_list:
            self.customers_of_list[customer.price_list].add(cid)
        key = street_key(customer.address or "")
        if key and key[1]:
            self.by_postal[key[0]].append((cid, key[1]))

    # ------------------------------------------------------------------ products

    def product_by_ean(self, code: str | None) -> str | None:
        digits = _digits(code or "")
        return self.by_ean.get(digits.lstrip("0")) if digits else None

    def products_by_code(self, code: str | None) -> set[str]:
        """Skus whose code is `code`, written with or without the brand prefix and separators."""
        key = norm_code(code)
        if not key:
            return set()
        return set(self.by_code.get(key) or self.by_ref.get(key) or ())

    def customer_item(self, customer_id: str | None, customer_sku: str | None) -> str | None:
        if not customer_id or not customer_sku:
            return None
        return self.items.get((customer_id, norm_code(customer_sku)))

    def search(self, text: str, unit: str | None = None, limit: int = 5) -> list[Candidate]:
        return self.product_index.search(text, unit, limit)

    # ------------------------------------------------------------------ prices

    def contract_row(self, sku: str, customer_id: str | None, quantity: Decimal | None) -> PriceRow | None:
        """The customer's contract row for that quantity: the highest min_qty not above it."""
        customer = self.customers.get(customer_id or "")
        if not customer or not customer.price_list:
            return None
        qty = quantity if quantity is not None else Decimal(1)
        best: PriceRow | None = None
        for row in self.prices.get((customer.price_list, sku), []):
            if row.min_qty <= qty:
                best = row
        return best

    def applicable_price(self, sku: str, customer_id: str | None, quantity: Decimal | None) -> Decimal:
        """The customer's contract price for that quantity, else the list price."""
        row = self.contract_row(sku, customer_id, quantity)
        return row.price if row is not None else self.products[sku].list_price
