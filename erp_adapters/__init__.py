"""Stage 5: post approved orders downstream, once each.

Public surface: `OutboxExporter` (a JSON and a CSV file per order in a folder).
"""

from erp_adapters.outbox import OutboxExporter

__all__ = ["OutboxExporter"]
