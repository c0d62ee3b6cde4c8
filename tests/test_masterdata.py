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


def test_optional_columns_may_be_missing_and_take_their_defaults() -> None:
    rows = parse_file("products.csv", b"sku,name\nGOB-1,Gobelet\n")
    p = rows[0]
    assert (p.unit, p.pack_size, p.list_price, p.stock, p.lead_time_days, p.active) == (
        "PCE", Decimal(1), Decimal(0), Decimal(0), 0, True
    )
    customers = parse_file("customers.csv", b"customer_id,name,credit_limit\nC1,Client,\nC2,Autre,1500\n")
    assert customers[0].credit_limit is None and customers[1].credit_limit == Decimal(1500)
    prices = parse_file("price_lists.csv", b"price_list,sku,price\nL1,GOB-1,\"4,10\"\n")
    assert prices[0].price == Decimal("4.10") and prices[0].min_qty == Decimal(1)


def test_blank_rows_short_rows_and_extra_cells() -> None:
    data = b"sku,name,list_price\n\nA,Alpha,1.5,extra,cells\n,,\nB,Beta\n"
    rows = parse_file("products.csv", data)
    assert [(r.sku, r.list_price) for r in rows] == [("A", Decimal("1.5")), ("B", Decimal(0))]


def test_line_numbers_count_the_lines_of_the_file() -> None:
    # a quoted name over two lines: the bad row is on the file's line 4
    data = b'sku,name,active\nA,"Alpha\nsur deux lignes",1\nB,Beta,peut-etre\n'
    with pytest.raises(MasterDataError) as info:
        parse_file("products.csv", data)
    assert (info.value.line, info.value.column) == (4, "active")
    assert "'peut-etre' is not 1 or 0" in str(info.value)


@pytest.mark.parametrize("value", ["nan", "Infinity", "12..5"])
def test_a_price_must_be_a_finite_number(value: str) -> None:
    with pytest.raises(MasterDataError, match="column 'price'"):
        parse_file("price_lists.csv", f"price_list,sku,price\nL1,A,{value}\n".encode())


def test_required_value_empty() -> None:
    with pytest.raises(MasterDataError) as info:
        parse_file("customer_items.csv", b"customer_id,customer_sku,sku\nC1,,GOB-1\n")
    assert (info.value.line, info.value.column, info.value.problem) == (2, "customer_sku", "value is empty")


def test_an_unreadable_csv_is_a_master_data_error() -> None:
    huge = b"x" * 200_000  # beyond the csv module's field limit
    with pytest.raises(MasterDataError, match="not a readable CSV file"):
        parse_file("products.csv", b"sku,name\nA,\"" + huge + b"\"\n")
    with pytest.raises(MasterDataError, match="not UTF-8"):
        parse_file("products.csv", "sku,name\nA,Café\n".encode("cp1252"))


def test_equal_values_are_shared_not_copied(tmp_path: Path) -> None:
    """A catalogue of 100,000 products repeats its skus, price lists and numbers: one object each."""
    (tmp_path / "products.csv").write_text("sku,name,list_price\nGOB-1,Gobelet,4.10\nGOB-2,Gobelet,4.10\n")
    (tmp_path / "customers.csv").write_text("customer_id,name,price_list\nC1,Client,L1\n")
    (tmp_path / "price_lists.csv").write_text("price_list,sku,price\nL1,GOB-1,3.90\nL1,GOB-2,3.90\n")
    master = load_dir(tmp_path)
    assert master.price_rows[0].sku is master.products[0].sku
    assert master.price_rows[0].price_list is master.price_rows[1].price_list is master.customers[0].price_list
    assert master.products[0].list_price is master.products[1].list_price
