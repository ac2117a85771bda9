"""Export the catalog (CSV, CTDL JSON-LD) and import credentials into ``catalog/data``.

CSV is lossless: every field of :class:`~catalog.schema.Credential` has a column (lists
joined with ``;``), so an export can be edited in a spreadsheet and imported back. CTDL
follows the Credential Transparency Description Language of Credential Engine, for
registries and partners; importing it back is best effort.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from catalog.loader import check_catalog
from catalog.model import Catalog
from catalog.onet import ATTRIBUTION
from catalog.schema import Credential

CTDL_CONTEXT = "https://credreg.net/ctdl/schema/context/json"
# Stable CTIDs: the same credential id always gets the same "ce-" identifier.
CTID_NAMESPACE = uuid.UUID("6f1f4c1e-6a53-4d1b-9a43-2b8e5f0c7d11")
LIST_SEPARATOR = ";"
_TRADE_LINE = re.compile(r"^trade:\s*([a-z][a-z0-9_]*)\s*(?:#.*)?$")
CSV_COLUMNS = [
    "id",
    "name",
    "issuer",
    "type",
    "trades",
    "skills",
    "keywords",
    "aliases",
    "description",
    "delivery",
    "hours_min",
    "hours_max",
    "cost_min",
    "cost_max",
    "cost_currency",
    "prerequisites",
    "part_of",
    "leads_to",
    "renewal_expires",
    "renewal_months",
    "renewal_ce_hours",
    "renewal_notes",
    "recognition",
    "accreditation",
    "goals",
    "level",
    "source_url",
    "last_reviewed",
    "description_es",
    "exam_minutes",
    "exam_questions",
    "cost_note",
    "cost_note_es",
    "local_licence",
    "holder",
    "sources",  # JSON: {"hours": "https://...", "cost": {"url": ..., "third_party": true}}
]
_LIST_FIELDS = {
    "trades",
    "skills",
    "keywords",
    "aliases",
    "delivery",
    "prerequisites",
    "part_of",
    "leads_to",
    "recognition",
    "accreditation",
    "goals",
}
_DELIVERY_CTDL = {
    "online": "deliveryType:OnlineOnly",
    "in_person": "deliveryType:InPerson",
    "blended": "deliveryType:BlendedDelivery",
}
_LEVEL_CTDL = {
    "entry": "audLevel:BeginnerLevel",
    "intermediate": "audLevel:IntermediateLevel",
    "advanced": "audLevel:AdvancedLevel",
}


class ImportRefused(Exception):
    """An import was refused; ``problems`` says why (nothing was written)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# ------------------------------------------------------------------------------ export


def credential_row(credential: Credential) -> dict[str, str]:
    """One CSV row: lists joined with ``;``, unknown numbers left empty."""
    data = credential.model_dump(mode="json")
    row: dict[str, str] = {}
    for field in _LIST_FIELDS:
        row[field] = LIST_SEPARATOR.join(data[field])
    for field in ("id", "name", "issuer", "type", "description", "level", "source_url"):
        row[field] = str(data[field])
    row["last_reviewed"] = str(data["last_reviewed"])
    hours = data["hours"] or {}
    cost = data["cost"] or {}
    renewal = data["renewal"]
    row["hours_min"] = _cell(hours.get("min"))
    row["hours_max"] = _cell(hours.get("max"))
    row["cost_min"] = _cell(cost.get("min"))
    row["cost_max"] = _cell(cost.get("max"))
    row["cost_currency"] = cost.get("currency", "") if cost else ""
    row["renewal_expires"] = "" if renewal is None else str(renewal["expires"]).lower()
    row["renewal_months"] = _cell((renewal or {}).get("months"))
    row["renewal_ce_hours"] = _cell((renewal or {}).get("ce_hours"))
    row["renewal_notes"] = (renewal or {}).get("notes") or ""
    exam = data["exam"] or {}
    row["exam_minutes"] = _cell(exam.get("minutes"))
    row["exam_questions"] = _cell(exam.get("questions"))
    for field in ("description_es", "cost_note", "cost_note_es"):
        row[field] = data[field] or ""
    row["local_licence"] = str(data["local_licence"]).lower()
    row["holder"] = data["holder"]
    sources = {
        fact: ref if isinstance(ref, str) else {k: v for k, v in ref.items() if v}
        for fact, ref in data["sources"].items()
    }
    row["sources"] = json.dumps(sources, ensure_ascii=False, sort_keys=True) if sources else ""
    return row


def export_csv(credentials: Iterable[Credential]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for credential in credentials:
        writer.writerow(credential_row(credential))
    return out.getvalue()


def export_ctdl(catalog: Catalog) -> dict[str, Any]:
    """The catalog as a CTDL JSON-LD graph (one ``ceterms:`` credential per record)."""
    graph = [_ctdl_credential(c, catalog) for c in catalog.records]
    return {
        "@context": CTDL_CONTEXT,
        "@graph": graph,
        "ceterms:description": {"en-US": "Toolbox credential catalog. " + ATTRIBUTION},
    }


def ctid(credential_id: str) -> str:
    return f"ce-{uuid.uuid5(CTID_NAMESPACE, credential_id)}"


def _ctdl_credential(credential: Credential, catalog: Catalog) -> dict[str, Any]:
    def lang(value: str) -> dict[str, str]:
        return {"en-US": value}

    description = lang(credential.description)
    if credential.description_es:
        description["es"] = credential.description_es

    node: dict[str, Any] = {
        "@type": f"ceterms:{credential.type}",
        "@id": f"https://credreg.net/resources/{ctid(credential.id)}",
        "ceterms:ctid": ctid(credential.id),
        "ceterms:name": lang(credential.name),
        "ceterms:description": description,
        "ceterms:subjectWebpage": str(credential.source_url),
        "ceterms:ownedBy": [
            {"@type": "ceterms:CredentialOrganization", "ceterms:name": lang(credential.issuer)}
        ],
        "ceterms:codedNotation": credential.id,
        "ceterms:inLanguage": ["en-US", "es"] if credential.description_es else ["en-US"],
        "ceterms:dateModified": credential.last_reviewed.isoformat(),
        "ceterms:audienceLevelType": [_alignment(_LEVEL_CTDL[credential.level])],
    }
    if credential.aliases:
        node["ceterms:alternateName"] = {"en-US": list(credential.aliases)}
    if credential.keywords or credential.skills:
        node["ceterms:keyword"] = {"en-US": [*credential.keywords, *credential.skills]}
    occupations = []
    for trade_id in credential.trades:
        trade = catalog.trades.get(trade_id)
        if trade is not None:
            occupations.append(
                {
                    "@type": "ceterms:CredentialAlignmentObject",
                    "ceterms:framework": "https://www.onetcenter.org/taxonomy.html",
                    "ceterms:frameworkName": lang("O*NET-SOC"),
                    "ceterms:codedNotation": trade.soc,
                    "ceterms:targetNodeName": lang(trade.name),
                }
            )
    if occupations:
        node["ceterms:occupationType"] = occupations
    delivery = [_DELIVERY_CTDL[d] for d in credential.delivery if d in _DELIVERY_CTDL]
    if delivery:
        node["ceterms:learningDeliveryType"] = [_alignment(d) for d in delivery]
    if credential.cost is not None:
        cost = credential.cost
        profile: dict[str, Any] = {
            "@type": "ceterms:CostProfile",
            "ceterms:currency": cost.currency,
        }
        if cost.min is not None:
            profile["ceterms:lowPrice"] = cost.min
        if cost.max is not None:
            profile["ceterms:price"] = cost.max
        node["ceterms:estimatedCost"] = [profile]
    if credential.hours is not None:
        duration: dict[str, Any] = {"@type": "ceterms:DurationProfile"}
        if credential.hours.min is not None:
            duration["ceterms:minimumDuration"] = f"PT{_num(credential.hours.min)}H"
        if credential.hours.max is not None:
            duration["ceterms:maximumDuration"] = f"PT{_num(credential.hours.max)}H"
        node["ceterms:estimatedDuration"] = [duration]
    node["ceterms:jurisdiction"] = [_jurisdiction(r) for r in credential.recognition]
    if credential.prerequisites:
        node["ceterms:requires"] = [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": lang(p),
                **({"ceterms:targetCredential": [ctid(p)]} if p in catalog.credentials else {}),
            }
            for p in credential.prerequisites
        ]
    if credential.part_of:
        node["ceterms:isPartOf"] = [ctid(p) for p in credential.part_of]
    if credential.leads_to:
        node["ceterms:isPreparationFor"] = [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:targetCredential": [ctid(t)],
                "ceterms:description": lang(t),
            }
            for t in credential.leads_to
        ]
    if credential.renewal is not None:
        renewal = credential.renewal
        text = "Does not expire." if not renewal.expires else "Expires; renewal required."
        if renewal.months:
            text += f" Every {renewal.months} months."
        if renewal.ce_hours:
            text += f" {_num(renewal.ce_hours)} continuing-education hours."
        if renewal.notes:
            text += f" {renewal.notes}"
        node["ceterms:renewal"] = [
            {"@type": "ceterms:ConditionProfile", "ceterms:description": lang(text.strip())}
        ]
    if credential.accreditation:
        node["ceterms:accreditedBy"] = [
            {"@type": "ceterms:QACredentialOrganization", "ceterms:name": lang(a)}
            for a in credential.accreditation
        ]
    return node


def _alignment(target: str) -> dict[str, str]:
    return {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": target}


def _jurisdiction(region: str) -> dict[str, Any]:
    if region == "INTL":
        return {"@type": "ceterms:JurisdictionProfile", "ceterms:globalJurisdiction": True}
    country, _, sub = region.partition("-")
    place: dict[str, Any] = {
        "@type": "ceterms:Place",
        "ceterms:addressCountry": "GB" if country == "UK" else country,
    }
    if sub:
        place["ceterms:addressRegion"] = sub
    return {"@type": "ceterms:JurisdictionProfile", "ceterms:mainJurisdiction": [place]}


# ------------------------------------------------------------------------------ import


def read_import(path: Path) -> list[dict[str, Any]]:
    """Credential dicts from a CSV export, a JSON file (list, ``{"credentials": ...}``
    or a CTDL graph) or a YAML credential file."""
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix == ".csv":
        return [_from_row(row) for row in csv.DictReader(io.StringIO(text))]
    if suffix == ".json":
        data = json.loads(text)
        if isinstance(data, dict) and "@graph" in data:
            return [_from_ctdl(node) for node in data["@graph"]]
        if isinstance(data, dict) and "credentials" in data:
            return list(data["credentials"])
        if isinstance(data, list):
            return data
        raise ImportRefused([f"{path}: expected a list, {{'credentials': [...]}} or a CTDL @graph"])
    if suffix in {".yaml", ".yml"}:
        data = yaml.safe_load(text)
        if isinstance(data, dict) and "credentials" in data:
            return list(data["credentials"] or [])
        if isinstance(data, list):
            return data
        raise ImportRefused([f"{path}: expected a credential file with 'credentials:'"])
    raise ImportRefused([f"{path}: unknown format (use .csv, .json, .yaml)"])


def import_credentials(
    path: Path, data_dir: Path, *, today: date | None = None
) -> dict[Path, list[str]]:
    """Validate the credentials in ``path`` and append them to per-trade files.

    Each credential goes to the file whose ``trade:`` is its first trade, else to a new
    ``data_dir/<first trade>.yaml``. Refuses
    the whole import, writing nothing, when a record is invalid or its id already exists;
    after writing, the whole catalog is validated again and the files restored if the
    import added a problem. Returns the ids written per file.
    """
    catalog, existing_problems = check_catalog(data_dir, today=today)
    if catalog is None:
        raise ImportRefused([str(p) for p in existing_problems])
    items = read_import(path)
    resolve_trade_names(items, catalog)
    problems: list[str] = []
    credentials: list[Credential] = []
    for n, item in enumerate(items, start=1):
        label = item.get("id", f"record {n}") if isinstance(item, dict) else f"record {n}"
        try:
            credentials.append(Credential.model_validate(item))
        except ValidationError as error:
            for e in error.errors(include_url=False):
                where = ".".join(str(p) for p in e["loc"])
                problems.append(f"{path}: {label}: {where}: {e['msg']}")
    seen: set[str] = set()
    for credential in credentials:
        if credential.id in catalog.credentials:
            where = catalog.sources.get(credential.id)
            problems.append(
                f"{path}: {credential.id}: already in the catalog ({where}); "
                "edit that file instead, or give the new credential another id"
            )
        elif credential.id in seen:
            problems.append(f"{path}: {credential.id}: appears twice in the import")
        seen.add(credential.id)
        for trade_id in credential.trades:
            if trade_id not in catalog.trades:
                problems.append(f"{path}: {credential.id}: unknown trade {trade_id!r}")
        if credential.source_url.scheme != "https":
            problems.append(f"{path}: {credential.id}: source_url must be https")
        if today is not None and credential.last_reviewed > today:
            problems.append(f"{path}: {credential.id}: last_reviewed is in the future")
    if problems:
        raise ImportRefused(problems)

    files = _files_by_trade(data_dir)
    by_file: dict[Path, list[Credential]] = {}
    for credential in credentials:
        trade = credential.trades[0]
        target = files.get(trade, data_dir / f"{trade}.yaml")
        by_file.setdefault(target, []).append(credential)
    backups = {p: p.read_text(encoding="utf-8") if p.exists() else None for p in by_file}
    for target, new in by_file.items():
        _append(target, new, backups[target])
    # Problems already in the data are not this import's fault; new ones are.
    before = {(p.path, p.message) for p in existing_problems}
    _, after = check_catalog(data_dir, today=today)
    new_problems = [p for p in after if (p.path, p.message) not in before]
    if new_problems:
        for target, original in backups.items():
            if original is None:
                target.unlink(missing_ok=True)
            else:
                target.write_text(original, encoding="utf-8")
        raise ImportRefused([str(p) for p in new_problems])
    return {target: [c.id for c in new] for target, new in by_file.items()}


def _append(target: Path, credentials: list[Credential], original: str | None) -> None:
    """Append YAML items to a credential file without rewriting what is there (comments
    and layout written by people stay as they were)."""
    items = [_yaml_record(c) for c in credentials]
    if original is None:
        trade = credentials[0].trades[0]
        body = yaml.safe_dump(
            {"trade": trade, "credentials": items},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        target.write_text(body, encoding="utf-8")
        return
    indent = _item_indent(original)
    block = yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=100)
    lines = [(" " * indent + line) if line else line for line in block.splitlines()]
    text = original if original.endswith("\n") else original + "\n"
    target.write_text(text + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _files_by_trade(data_dir: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted(data_dir.glob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines()[:20]:
            match = _TRADE_LINE.match(line)
            if match:
                files.setdefault(match.group(1), path)
                break
    return files


def _item_indent(text: str) -> int:
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("- id:"):
            return len(line) - len(stripped)
    return 2


def _yaml_record(credential: Credential) -> dict[str, Any]:
    data = credential.model_dump(mode="json")
    data["last_reviewed"] = credential.last_reviewed
    return data


def _from_row(row: dict[str, str]) -> dict[str, Any]:
    def value(key: str) -> str:
        return (row.get(key) or "").strip()

    def number(key: str) -> float | None:
        text = value(key)
        return float(text) if text else None

    item: dict[str, Any] = {}
    for field in ("id", "name", "issuer", "type", "description", "level", "source_url"):
        item[field] = value(field)
    item["last_reviewed"] = value("last_reviewed")
    for field in _LIST_FIELDS:
        text = value(field)
        item[field] = [p.strip() for p in text.split(LIST_SEPARATOR) if p.strip()] if text else []
    hours = {"min": number("hours_min"), "max": number("hours_max")}
    item["hours"] = hours if any(v is not None for v in hours.values()) else None
    cost = {"min": number("cost_min"), "max": number("cost_max")}
    if any(v is not None for v in cost.values()):
        item["cost"] = {**cost, "currency": value("cost_currency") or "USD"}
    else:
        item["cost"] = None
    expires = value("renewal_expires").lower()
    if expires in {"true", "false"}:
        months = number("renewal_months")
        item["renewal"] = {
            "expires": expires == "true",
            "months": int(months) if months is not None else None,
            "ce_hours": number("renewal_ce_hours"),
            "notes": value("renewal_notes") or None,
        }
    else:
        item["renewal"] = None
    exam = {"minutes": number("exam_minutes"), "questions": number("exam_questions")}
    if any(v is not None for v in exam.values()):
        item["exam"] = {k: int(v) if v is not None else None for k, v in exam.items()}
    for field in ("description_es", "cost_note", "cost_note_es"):
        if value(field):
            item[field] = value(field)
    if value("local_licence").lower() == "true":
        item["local_licence"] = True
    if value("holder"):
        item["holder"] = value("holder")
    if value("sources"):
        item["sources"] = json.loads(value("sources"))
    return item


def _from_ctdl(node: dict[str, Any]) -> dict[str, Any]:
    def text(value: Any) -> str:
        if isinstance(value, dict):
            return str(next(iter(value.values()), ""))
        return "" if value is None else str(value)

    def texts(value: Any) -> list[str]:
        if isinstance(value, dict):
            inner = next(iter(value.values()), [])
            return [str(v) for v in (inner if isinstance(inner, list) else [inner])]
        return [str(v) for v in value] if isinstance(value, list) else []

    delivery_back = {v: k for k, v in _DELIVERY_CTDL.items()}
    level_back = {v: k for k, v in _LEVEL_CTDL.items()}
    item: dict[str, Any] = {
        "id": node.get("ceterms:codedNotation") or node.get("ceterms:ctid"),
        "name": text(node.get("ceterms:name")),
        "issuer": text((node.get("ceterms:ownedBy") or [{}])[0].get("ceterms:name")),
        "type": str(node.get("@type", "")).removeprefix("ceterms:"),
        "description": text(node.get("ceterms:description")),
        "aliases": texts(node.get("ceterms:alternateName")),
        "keywords": texts(node.get("ceterms:keyword")),
        "source_url": node.get("ceterms:subjectWebpage"),
        "last_reviewed": node.get("ceterms:dateModified"),
        "delivery": [
            delivery_back[a.get("ceterms:targetNode")]
            for a in node.get("ceterms:learningDeliveryType", [])
            if a.get("ceterms:targetNode") in delivery_back
        ]
        or ["exam_only"],
        "trades": [],
        "recognition": [],
    }
    described = node.get("ceterms:description")
    if isinstance(described, dict) and described.get("es"):
        item["description_es"] = str(described["es"])
    for level in node.get("ceterms:audienceLevelType", []):
        if level.get("ceterms:targetNode") in level_back:
            item["level"] = level_back[level["ceterms:targetNode"]]
    for jurisdiction in node.get("ceterms:jurisdiction", []):
        if jurisdiction.get("ceterms:globalJurisdiction"):
            item["recognition"].append("INTL")
        for place in jurisdiction.get("ceterms:mainJurisdiction", []):
            country = place.get("ceterms:addressCountry", "")
            country = "UK" if country == "GB" else country
            sub = place.get("ceterms:addressRegion")
            item["recognition"].append(f"{country}-{sub}" if sub else country)
    for occupation in node.get("ceterms:occupationType", []):
        name = text(occupation.get("ceterms:targetNodeName"))
        item.setdefault("_trade_names", []).append(name)
    costs = node.get("ceterms:estimatedCost") or []
    if costs:
        cost = costs[0]
        item["cost"] = {
            "min": cost.get("ceterms:lowPrice"),
            "max": cost.get("ceterms:price"),
            "currency": cost.get("ceterms:currency", "USD"),
        }
    return item


def resolve_trade_names(items: list[dict[str, Any]], catalog: Catalog) -> None:
    """CTDL carries trade names, not our ids: map them back through the taxonomy."""
    by_name = {t.name: t.id for t in catalog.trades.values()}
    for item in items:
        if not isinstance(item, dict):
            continue
        names = item.pop("_trade_names", [])
        if not item.get("trades"):
            item["trades"] = [by_name[n] for n in names if n in by_name]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(_num(value))


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
