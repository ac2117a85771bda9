"""Read and check ``catalog/data/*.yaml`` and ``catalog/taxonomy.yaml``.

Every problem is reported with its file and line, all at once: an operator who fixes
one typo should not have to run ``validate`` again to learn about the next one. YAML is
parsed into nodes first (``yaml.compose``) so a pydantic error location such as
``credentials.3.cost.min`` can be traced back to the line it came from.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from catalog.matching import TradeNames
from catalog.model import Catalog, Source
from catalog.onet import ONET_DIR, read_titles
from catalog.provenance import provenance_findings
from catalog.schema import SLUG, Credential, CredentialFile, TaxonomyFile

# libyaml when PyYAML was built with it: five times faster, same nodes and line marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
TAXONOMY_PATH = PACKAGE_DIR / "taxonomy.yaml"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a data file. ``blocking`` problems stop the catalog from loading;
    the others (an http link, a dangling ``leads_to`` id, a date in the future) fail
    ``validate`` but let the bot run with the rest of the data."""

    path: Path
    line: int | None
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class CatalogError(Exception):
    """The catalog data is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the catalog data:\n{shown}{more}")


@dataclass(slots=True)
class _Parsed:
    path: Path
    node: yaml.Node | None
    data: Any


def load_catalog(
    data_dir: Path | None = None,
    *,
    taxonomy_path: Path | None = None,
    onet_dir: Path = ONET_DIR,
    today: date | None = None,
) -> Catalog:
    """Load, check and index the catalog; raise :class:`CatalogError` listing every
    blocking problem (invalid records, duplicate ids, unknown trades).

    ``data_dir`` defaults to ``catalog/data``; the taxonomy is ``data_dir/taxonomy.yaml``
    when that file exists, else ``catalog/taxonomy.yaml``. ``last_reviewed`` dates are
    checked against ``today`` only when it is given (the caller owns the clock).
    """
    catalog, problems = check_catalog(
        data_dir, taxonomy_path=taxonomy_path, onet_dir=onet_dir, today=today
    )
    if catalog is None or any(p.blocking for p in problems):
        raise CatalogError([p for p in problems if p.blocking] or problems)
    return catalog


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped in ``catalog/data``, loaded once per process."""
    catalog = load_catalog()
    # The ranking index too, before the freeze (imported here: recommend imports loader).
    from catalog.recommend import prepare

    prepare(catalog)
    # The index is millions of long-lived objects: keep them out of the cyclic garbage
    # collector's full passes, which would otherwise stall a search now and then.
    gc.freeze()
    return catalog


def check_catalog(
    data_dir: Path | None = None,
    *,
    taxonomy_path: Path | None = None,
    onet_dir: Path = ONET_DIR,
    today: date | None = None,
    vetting_path: Path | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Every problem in the data, and the catalog built from what is valid.

    Provenance problems (a number without its page, a description stating a number its
    field leaves empty, no Spanish description) fail ``validate`` but never stop the
    catalog from loading.
    """
    if vetting_path is None and data_dir is None:
        # The shipped "is this legit?" rules go with the shipped data (catalog/vetting.py).
        from catalog.vetting import VETTING_PATH

        vetting_path = VETTING_PATH
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    if taxonomy_path is None:
        local = data_dir / "taxonomy.yaml"
        taxonomy_path = local if local.exists() else TAXONOMY_PATH
    problems: list[Problem] = []
    taxonomy = _check_taxonomy(taxonomy_path, problems)
    trade_ids = {t.id for t in taxonomy.trades} if taxonomy else set()

    if not data_dir.is_dir():
        problems.append(Problem(data_dir, None, "data directory not found"))
        return None, problems
    paths = sorted(p for p in data_dir.glob("*.yaml") if p.resolve() != taxonomy_path.resolve())
    if not paths:
        problems.append(Problem(data_dir, None, "no *.yaml credential files"))

    credentials: list[Credential] = []
    sources: dict[str, Source] = {}
    # Checked after every file is read: an id may point to a credential in another file.
    references: list[tuple[Path, int | None, str, str, str]] = []
    for path in paths:
        parsed = _parse(path, problems)
        if parsed is None:
            continue
        for credential, node in _check_file(parsed, trade_ids, problems):
            line = _line(node)
            earlier = sources.get(credential.id)
            if earlier is not None:
                problems.append(
                    Problem(path, line, f"duplicate id {credential.id!r}: already in {earlier}")
                )
                continue
            _check_record(credential, node, path, trade_ids, today, problems)
            for loc, message in provenance_findings(credential):
                line = _line(_node_at(node, loc))
                problems.append(Problem(path, line, message, blocking=False))
            sources[credential.id] = Source(path, line)
            credentials.append(credential)
            for field in ("part_of", "leads_to", "prerequisites"):
                for position, value in enumerate(getattr(credential, field)):
                    if _looks_like_id(value):
                        item_line = _line(_node_at(node, (field, position)))
                        references.append((path, item_line, credential.id, field, value))
    known = set(sources)
    for path, line, owner, field, value in references:
        if value not in known:
            message = f"{owner}: {field} names unknown credential id {value!r}"
            problems.append(Problem(path, line, message, blocking=False))
        elif value == owner:
            message = f"{owner}: {field} names the credential itself"
            problems.append(Problem(path, line, message, blocking=False))

    if vetting_path is not None:
        from catalog.vetting import check_rules

        # Never blocking: the rules are checked by `validate`; the credentials still load.
        for line, message, _ in check_rules(vetting_path, known):
            problems.append(Problem(vetting_path, line, message, blocking=False))
    if taxonomy is None:
        return None, problems
    catalog = Catalog(
        credentials,
        taxonomy.trades,
        sources=sources,
        trade_names=_trade_names(taxonomy, onet_dir),
    )
    return catalog, problems


# ---------------------------------------------------------------------------- internals


def _parse(path: Path, problems: list[Problem]) -> _Parsed | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path, None, f"cannot read file: {error}"))
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problems.append(Problem(path, line, f"YAML syntax: {error.problem or error}"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(path, None, f"YAML: {error}"))
        return None
    finally:
        loader.dispose()
    if node is not None:
        _duplicate_keys(node, path, problems)
    return _Parsed(path, node, data)


def _duplicate_keys(node: yaml.Node, path: Path, problems: list[Problem]) -> None:
    # PyYAML silently keeps the last of two equal keys; an operator would lose an edit.
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                name = getattr(key, "value", None)
                if isinstance(name, str):
                    if name in seen:
                        problems.append(Problem(path, _line(key), f"duplicate key {name!r}"))
                    seen.add(name)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


_TRADE_NAMES: dict[tuple[str, str], TradeNames] = {}


def _trade_names(taxonomy: TaxonomyFile, onet_dir: Path) -> TradeNames:
    # Thousands of O*NET titles: build once per taxonomy, not once per data directory.
    key = (taxonomy.model_dump_json(), str(onet_dir))
    if key not in _TRADE_NAMES:
        if len(_TRADE_NAMES) >= 4:
            _TRADE_NAMES.clear()
        _TRADE_NAMES[key] = TradeNames(
            taxonomy.trades, taxonomy.ask, read_titles(onet_dir), taxonomy.related_soc
        )
    return _TRADE_NAMES[key]


def _check_taxonomy(path: Path, problems: list[Problem]) -> TaxonomyFile | None:
    parsed = _parse(path, problems)
    if parsed is None:
        return None
    try:
        taxonomy = TaxonomyFile.model_validate(parsed.data)
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, parsed, ()))
        return None
    seen: dict[str, int] = {}
    for i, trade in enumerate(taxonomy.trades):
        line = _line(_node_at(parsed.node, ("trades", i)))
        if trade.id in seen:
            problems.append(Problem(path, line, f"duplicate trade id {trade.id!r}"))
        seen[trade.id] = i
    for i, entry in enumerate(taxonomy.ask):
        for j, trade_id in enumerate(entry.trades):
            if trade_id not in seen:
                line = _line(_node_at(parsed.node, ("ask", i, "trades", j)))
                problems.append(Problem(path, line, f"ask: unknown trade id {trade_id!r}"))
    for trade_id in taxonomy.related_soc:
        if trade_id not in seen:
            line = _line(_node_at(parsed.node, ("related_soc", trade_id)))
            problems.append(Problem(path, line, f"related_soc: unknown trade id {trade_id!r}"))
    return taxonomy


def _check_file(
    parsed: _Parsed, trade_ids: set[str], problems: list[Problem]
) -> list[tuple[Credential, yaml.Node | None]]:
    """The valid credentials of one file with their nodes; problems for the rest."""
    path, data = parsed.path, parsed.data
    if not isinstance(data, dict):
        problems.append(
            Problem(path, _line(parsed.node), "expected a mapping with 'trade' and 'credentials'")
        )
        return []
    try:
        CredentialFile.model_validate(data)
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, parsed, ()))
    trade = data.get("trade")
    if isinstance(trade, str) and trade_ids and trade not in trade_ids:
        line = _line(_node_at(parsed.node, ("trade",)))
        problems.append(Problem(path, line, f"trade {trade!r} is not in taxonomy.yaml"))
    items = data.get("credentials")
    if not isinstance(items, list):
        return []
    valid: list[tuple[Credential, yaml.Node | None]] = []
    for i, item in enumerate(items):
        try:
            credential = Credential.model_validate(item)
        except ValidationError:
            continue  # already reported with the whole file
        valid.append((credential, _node_at(parsed.node, ("credentials", i))))
    return valid


def _check_record(
    credential: Credential,
    node: yaml.Node | None,
    path: Path,
    trade_ids: set[str],
    today: date | None,
    problems: list[Problem],
) -> None:
    cid = credential.id
    if trade_ids:
        for i, trade_id in enumerate(credential.trades):
            if trade_id not in trade_ids:
                line = _line(_node_at(node, ("trades", i)))
                problems.append(
                    Problem(path, line, f"{cid}: trade {trade_id!r} is not in taxonomy.yaml")
                )
    if credential.source_url.scheme != "https":
        line = _line(_node_at(node, ("source_url",)))
        problems.append(Problem(path, line, f"{cid}: source_url must be https", blocking=False))
    if today is not None and credential.last_reviewed > today:
        line = _line(_node_at(node, ("last_reviewed",)))
        message = f"{cid}: last_reviewed {credential.last_reviewed} is in the future"
        problems.append(Problem(path, line, message, blocking=False))


def _pydantic_problems(
    error: ValidationError, parsed: _Parsed, prefix: tuple[str | int, ...]
) -> list[Problem]:
    out: list[Problem] = []
    for item in error.errors(include_url=False):
        loc = prefix + tuple(item["loc"])
        node = _node_at(parsed.node, loc)
        where = _describe(loc, parsed.data)
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling against docs/CATALOG.md)"
        out.append(Problem(parsed.path, _line(node), f"{where}: {message}" if where else message))
    return out


def _describe(loc: tuple[str | int, ...], data: Any) -> str:
    """``credentials[3] (epa-608-universal) cost.min`` for a pydantic location."""
    parts: list[str] = []
    current = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(current, list) and part < len(current):
                current = current[part]
                if isinstance(current, dict) and isinstance(current.get("id"), str):
                    label += f" ({current['id']})"
            parts.append(label)
        else:
            if isinstance(current, dict):
                current = current.get(part)
            parts.append(("." if parts else "") + str(part))
    return "".join(parts).replace("] .", "] ").replace(").", ") ")


def _node_at(node: yaml.Node | None, loc: tuple[str | int, ...]) -> yaml.Node | None:
    """The deepest node on the path ``loc`` (a missing key points at its mapping)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    node = value
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _looks_like_id(value: str) -> bool:
    # Prerequisites may be free text ("2 years of field experience"); a value written
    # like a slug with a hyphen ("osha-10-construction") is meant as a credential id.
    return bool(SLUG.match(value)) and "-" in value
