from decimal import Decimal
from pathlib import Path

import pytest

from orderintake.masterdata import MasterDataError, load_dir, parse_file

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "catalog"


def test_samples_catalog_loads() -> None:
    master = load_dir(SAMPLES)
    assert len(master.products) == 24
    gloves = next(p for p in master.products if p.sku == "GANT-NIT-M")
    assert gloves.pack_size == Decimal(10) and gloves.unit == "BOX" and gloves.active
    clinic = next(c for c in master.customers if c.customer_id == "C0063")
    assert clinic.email_domains == ["clinique-tilleuls.fr"] and clinic.credit_limit == Decimal("30000.00")
    assert any(r.price_list == "SANTE" and r.min_qty == Decimal(100) for r in master.price_rows)


def test_columns_in_any_order_and_unknown_columns_ignored() -> None:
    rows = parse_file("products.csv", b"name,sku,colour,list_price\nGobelet,GOB-1,blanc,4.10\n")
    assert rows[0].sku == "GOB-1" and rows[0].list_price == Decimal("4.10")


def test_bad_value_names_file_line_and_column() -> None:
    data = b"sku,name,list_price\nA,Alpha,1.0\nB,Beta,douze\n"
    with pytest.raises(MasterDataError) as info:
        parse_file("products.csv", data)
    assert (info.value.file, info.value.line, info.value.column) == ("products.csv", 3, "list_price")
    assert "products.csv, line 3, column 'list_price'" in str(info.value)


def test_missing_required_column() -> None:
    with pytest.raises(MasterDataError, match="column 'sku'"):
        parse_file("customer_items.csv", b"customer_id,customer_sku\nC1,X\n")


def test_missing_folder_and_files(tmp_path: Path) -> None:
    with pytest.raises(MasterDataError, match="products.csv"):
        load_dir(tmp_path)
