"""O*NET occupation titles that also name our trades ("A/C Tech", "Inside Wireman", ...).

The bot reads the subset copied into ``catalog/onet/`` so it runs without the shared data
folder (the rows of the trades' O*NET-SOC codes, with the header of each file).

This data includes information from the O*NET 27.0 Database by the U.S. Department of
Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0
licence. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved, endorsed, or
tested these modifications.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ONET_DIR = Path(__file__).with_name("onet")
ATTRIBUTION = (
    "This data includes information from the O*NET 27.0 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 "
    "licence. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved, endorsed, or "
    "tested these modifications."
)
FILES = ("occupations.tsv", "alternate_titles.tsv", "reported_titles.tsv")


@dataclass(frozen=True, slots=True)
class OnetTitle:
    soc: str
    title: str
    source: str  # "occupation", "alternate", "short" or "reported"


def read_titles(onet_dir: Path = ONET_DIR) -> list[OnetTitle]:
    """Every title in the copied subset; an empty list when the folder is absent."""
    titles: list[OnetTitle] = []
    for row in _rows(onet_dir / "occupations.tsv"):
        titles.append(OnetTitle(row[0], row[1], "occupation"))
    for row in _rows(onet_dir / "alternate_titles.tsv"):
        titles.append(OnetTitle(row[0], row[1], "alternate"))
        if len(row) > 2 and row[2] and row[2] != "n/a":
            titles.append(OnetTitle(row[0], row[2], "short"))
    for row in _rows(onet_dir / "reported_titles.tsv"):
        titles.append(OnetTitle(row[0], row[1], "reported"))
    return titles


def _rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        return [row for row in reader if len(row) >= 2]
