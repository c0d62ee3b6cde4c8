"""Errors an extractor raises; the pipeline turns them into a failed document with a reason."""


class UnreadableDocument(Exception):
    """The file cannot be read, or holds no order. `reason_fr` is shown to the reviewer."""

    def __init__(self, reason: str, reason_fr: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_fr = reason_fr or reason
