"""Stage 4: the review web UI and the HTTP API. Public surface: `review_ui.app.create_app(runtime)`."""
