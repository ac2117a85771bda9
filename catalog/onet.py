"""O*NET occupation titles that also name our trades ("A/C Tech", "Inside Wireman", ...).

The bot reads the subset copied into ``catalog/onet/`` so it runs without the shared data
folder; :func:`copy_subset` refreshes that copy from a full O*NET extract.

This data includes information from the O*NET 27.0 Database by the U.S. Department of
Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0
licence. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved, endorsed, or
tested these modifications.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
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


def copy_subset(source: Path, codes: Iterable[str], target: Path = ONET_DIR) -> dict[str, int]:
    """Copy the rows of ``codes`` from a full O*NET extract in ``source`` into ``target``.

    Keeps the header line of each file; returns the number of rows written per file.
    """
    wanted = set(codes)
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for name in FILES:
        lines = (source / name).read_text(encoding="utf-8").splitlines()
        kept = [lines[0]] + [line for line in lines[1:] if line.split("\t", 1)[0] in wanted]
        (target / name).write_text("\n".join(kept) + "\n", encoding="utf-8")
        written[name] = len(kept) - 1
    return written


def _rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        return [row for row in reader if len(row) >= 2]
