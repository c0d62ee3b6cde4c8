"""Amounts, quantities and dates written the way the reader expects them (4,35 € in French)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def _plain(value: Decimal, places: int | None, group: str = ",") -> str:
    text = f"{value:,.{places}f}" if places is not None else f"{value.normalize():,f}"
    return text.replace(",", group)


def money_en(value: Decimal, currency: str | None = "EUR") -> str:
    """'1000.00 EUR': no thousands separator, as in logs and the contract JSON."""
    places = 2 if value == value.quantize(Decimal("0.01")) else None
    return f"{_plain(value, places, '')} {currency or 'EUR'}"


def money_fr(value: Decimal, currency: str | None = "EUR") -> str:
    places = 2 if value == value.quantize(Decimal("0.01")) else None
    text = _plain(value, places, "\u202f").replace(".", ",")
    return f"{text} {SYMBOLS.get(currency or 'EUR', currency or '€')}"


def qty_en(value: Decimal) -> str:
    return _plain(value, None, "")


def qty_fr(value: Decimal) -> str:
    return _plain(value, None, "\u202f").replace(".", ",")


def date_fr(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")
