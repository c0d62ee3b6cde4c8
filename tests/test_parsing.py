import datetime as dt
from decimal import Decimal

import pytest

from extractors.parsing import (
    find_dates,
    is_valid_ean,
    normalize_unit,
    parse_date,
    parse_number,
    parse_quantity_unit,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("12,5", "12.5"),
        ("4,35 €", "4.35"),
        ("€ 17.78", "17.78"),
        ("1 250", "1250"),
        ("0.250", "0.250"),
        ("-3,10", "-3.10"),
        ("12\u202f345,00", "12345.00"),
    ],
)
def test_parse_number_reads_french_and_english_forms(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12/11/2026", "A9F74216", None])
def test_parse_number_refuses_non_numbers(text: str | None) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/11/2026", dt.date(2026, 11, 2)),
        ("Datum: 02.11.26", dt.date(2026, 11, 2)),
        ("2026-11-02", dt.date(2026, 11, 2)),
        ("le 2 novembre 2026", dt.date(2026, 11, 2)),
        ("12 févr. 2027", dt.date(2027, 2, 12)),
        ("20261102", dt.date(2026, 11, 2)),
    ],
)
def test_parse_date_day_first(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_find_dates_keeps_order_and_spans() -> None:
    text = "Commande du 02/11/2026, livraison le 16/11/2026"
    found = find_dates(text)
    assert [d for d, _ in found] == [dt.date(2026, 11, 2), dt.date(2026, 11, 16)]
    start, end = found[1][1]
    assert text[start:end] == "16/11/2026"


def test_invalid_dates_are_skipped() -> None:
    assert parse_date("31/02/2026") is None


@pytest.mark.parametrize(
    ("word", "unit"), [("rlx", "ROL"), ("Stk", "PCE"), ("MTR", "M"), ("bte", "BOX"), ("u", "PCE"), ("KAR", "BOX")]
)
def test_normalize_unit(word: str, unit: str) -> None:
    assert normalize_unit(word) == unit


def test_quantity_and_unit_in_one_cell() -> None:
    assert parse_quantity_unit("100 m") == (Decimal(100), "M")
    assert parse_quantity_unit("3 rlx") == (Decimal(3), "ROL")
    assert parse_quantity_unit("12") == (Decimal(12), None)
    assert parse_quantity_unit("12 cartons") == (Decimal(12), "CAR")
    assert parse_quantity_unit("voir plan") == (None, None)


def test_ean_check_digit() -> None:
    assert is_valid_ean("3606485000480")
    assert not is_valid_ean("3606485000481")
    assert not is_valid_ean("12345")
