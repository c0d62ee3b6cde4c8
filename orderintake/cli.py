"""The `orderintake` command."""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from orderintake.masterdata import FILES, MasterDataError, load_dir, parse_file
from orderintake.settings import Settings, get_settings

if TYPE_CHECKING:
    from orderintake.runtime import Runtime

app = typer.Typer(help="orderintake: purchase orders in, checked ERP orders out.", no_args_is_help=True)
user_app = typer.Typer(help="Reviewer accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _runtime(settings: Settings | None = None) -> Runtime:
    from orderintake.runtime import Runtime

    return Runtime.start(settings or get_settings())


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="Documents, processed in the order given."),
    catalog: Path = typer.Option(..., "--catalog", help="Folder of master-data CSV files."),
    out: Path = typer.Option(..., "--out", help="Folder for one JSON answer per document."),
    workers: int = typer.Option(0, "--workers", help="Processes reading documents side by side (0: one per core)."),
) -> None:
    """The batch command of the measurement contract (no database, no state)."""
    from orderintake.batch import run_batch

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        run_batch(catalog, out, files, workers)
    except MasterDataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command("import")
def import_masterdata(
    paths: list[Path] = typer.Argument(..., help="A catalogue folder, or CSV files named as in the contract."),
) -> None:
    """Import master data (products, customers, customer part numbers, contract prices); updates in place."""
    from orderintake import store
    from orderintake.masterdata import MasterData

    master = MasterData()
    try:
        for path in paths:
            if path.is_dir():
                loaded = load_dir(path)
                master.products += loaded.products
                master.customers += loaded.customers
                master.customer_items += loaded.customer_items
                master.price_rows += loaded.price_rows
            elif path.name in FILES:
                rows = parse_file(path.name, path.read_bytes())
                getattr(master, _FIELD[path.name]).extend(rows)
            else:
                raise MasterDataError(path.name, None, None, f"expected a folder or one of {', '.join(FILES)}")
    except MasterDataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    runtime = _runtime()
    with runtime.db.session() as session:
        counts = store.import_master_data(session, master)
    typer.echo("imported: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


_FIELD = {
    "products.csv": "products",
    "customers.csv": "customers",
    "customer_items.csv": "customer_items",
    "price_lists.csv": "price_rows",
}


@app.command()
def ingest(files: list[Path] = typer.Argument(..., help="Order documents to queue.")) -> None:
    """Store documents and run them through the pipeline."""
    runtime = _runtime()
    for path in files:
        ingested = runtime.pipeline.ingest_path(path, source="cli")
        state = runtime.pipeline.process(ingested.document_id)
        note = "" if ingested.created else " (already received)"
        typer.echo(f"{path.name}: document {ingested.document_id}, {state}{note}")


@app.command()
def process() -> None:
    """Advance every pending document once (resumes after a crash)."""
    runtime = _runtime()
    typer.echo(f"{runtime.pipeline.run_pending()} document(s) advanced")


@user_app.command("create")
def user_create(username: str, password: str = typer.Option(..., prompt=True, hide_input=True)) -> None:
    """Create a reviewer (or reset a password)."""
    from orderintake import store

    with _runtime().db.session() as session:
        store.create_user(session, username, password)
    typer.echo(f"user {username} ready")


@user_app.command("token")
def user_token(username: str) -> None:
    """Issue an API token for `POST /api/documents` (shown once)."""
    from orderintake import store

    with _runtime().db.session() as session:
        typer.echo(store.issue_api_token(session, username))


@app.command()
def serve(worker: bool = typer.Option(True, help="Also watch the inbox folder and run the pipeline.")) -> None:
    """Start the review UI and API (and the background worker)."""
    _serve(_runtime(), worker)


@app.command()
def mail(
    once: bool = typer.Option(False, help="Take the messages waiting now, then stop."),
    config: Path | None = typer.Option(
        None, help="TOML file of [[mailbox]] tables (default: ORDERINTAKE_MAILBOXES_FILE)."
    ),
) -> None:
    """Watch the configured mailboxes: each message is stored and queued once, then moved."""
    import signal
    import threading

    from intake.imap import MailboxError, MailboxService, load_mailboxes

    runtime = _runtime()
    path = config or runtime.settings.mailboxes_file
    if path is None:
        typer.echo("no mailbox configured: set ORDERINTAKE_MAILBOXES_FILE or pass --config", err=True)
        raise typer.Exit(2)
    try:
        mailboxes = load_mailboxes(path)
    except MailboxError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    service = MailboxService(mailboxes, runtime.db, runtime.settings.documents_dir, runtime.rules)
    if once:
        for watcher in service.watchers:
            result = watcher.sync_once()
            typer.echo(
                f"{watcher.config.name}: {len(result.stored)} stored, {result.duplicates} duplicates, "
                f"{result.ignored} ignored, {result.refused} refused, {result.moved} moved"
            )
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    service.start()
    stop.wait()
    service.stop()


@app.command()
def demo() -> None:
    """Set up the embedded default with the demo data in samples/, then serve it."""
    from orderintake import store

    runtime = _runtime()
    settings = runtime.settings
    with runtime.db.session() as session:
        if store.master_counts(session)["products"] == 0:
            store.import_master_data(session, load_dir(SAMPLES / "catalog"))
        password_file = settings.data_dir / "demo_password"
        if not password_file.exists():
            password_file.write_text(secrets.token_urlsafe(9))
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        store.create_user(session, "demo", password)
    for path in sorted((SAMPLES / "orders").iterdir()):
        if path.is_file():
            runtime.pipeline.ingest_path(path, source="demo")
    runtime.pipeline.run_pending()
    typer.echo("")
    typer.echo(f"  orderintake is running: http://{settings.host}:{settings.port}")
    typer.echo(f"  demo login: user 'demo', password '{password}'")
    typer.echo(f"  drop order files into {settings.inbox_dir.resolve()}")
    typer.echo("")
    _serve(runtime, worker=True)


def _serve(runtime: Runtime, worker: bool) -> None:
    import uvicorn

    from review_ui.app import create_app

    logging.basicConfig(level=logging.INFO)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # it logs every batch of changes, our moves too
    application = create_app(runtime, start_worker=worker)
    uvicorn.run(application, host=runtime.settings.host, port=runtime.settings.port, log_level="info")


if __name__ == "__main__":
    app()
