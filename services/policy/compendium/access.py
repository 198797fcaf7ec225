"""Who builds and reads the compendium (notice 二(一)2): the office builds it (the timer the next
edition on its own); every caller reads it, the portal's public actor included. Its rows of the
permission table. Plain Python, no I/O."""
from __future__ import annotations

from kernel.permissions import OFFICE, allow, published

# Once the office has built the first edition, the service itself builds the next whenever the
# policies in force change, so the latest edition is never stale.
BUILDERS = ("office", "system")

ROWS = (
    allow("build_compendium", OFFICE, note="the timer builds the next edition on its own"),
    published("compendium_editions", public=True),
    published("compendium_edition", public=True),
    published("compendium_document", public=True,
              note="rendered once per edition and format, served from the store"),
    published("contact_sheet", public=True),
)
