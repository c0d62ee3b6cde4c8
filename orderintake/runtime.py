"""What a running product is made of: settings, database and pipeline, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from intake.rules import RulesFile
from orderintake.db import Database
from orderintake.pipeline import Pipeline
from orderintake.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    db: Database
    pipeline: Pipeline
    rules: RulesFile = field(default_factory=lambda: RulesFile(None))  # which mail is taken

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        """Create folders, bring the database schema up to date, and build the pipeline."""
        settings.ensure_dirs()
        db = Database(settings.sqlalchemy_url)
        db.migrate()
        return cls(settings=settings, db=db, pipeline=Pipeline(db, settings),
                   rules=RulesFile(settings.intake_rules_path))
