"""The catalog data files: an operator edits YAML, `python -m catalog validate` tells them
exactly which line is wrong, and the real data in catalog/data passes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from catalog import CatalogError, default_catalog, load_catalog
from catalog.cli import main
from catalog.loader import DATA_DIR, TAXONOMY_PATH, check_catalog
from catalog.schema import TaxonomyFile

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)

GOOD = """\
trade: hvac
credentials:
  - id: epa-608-universal
    name: EPA Section 608 Technician Certification - Universal
    issuer: U.S. Environmental Protection Agency
    type: Certification
    trades: [hvac, appliance_repair]
    aliases: ["608", universal card]
    description: Federal certification required to buy refrigerant and service equipment.
    delivery: [exam_only]
    renewal: {expires: false}
    recognition: [US]
    goals: [license, first_job]
    source_url: https://www.epa.gov/section608
    last_reviewed: 2026-11-01
    description_es: Certificación federal para comprar refrigerante y dar servicio a equipos.
    sources: {renewal: "https://www.epa.gov/section608/section-608-technician-certification"}
  - id: nate-air-conditioning
    name: NATE Certification - Air Conditioning
    issuer: North American Technician Excellence
    type: Certification
    trades: [hvac]
    description: Specialty certification for air conditioning installation or service techs.
    delivery: [exam_only, online]
    prerequisites: [epa-608-universal]
    recognition: [US]
    goals: [promotion]
    level: intermediate
    source_url: https://www.natex.org/
    last_reviewed: 2026-10-01
    description_es: Certificación de especialidad para técnicos de aire acondicionado.
    sources: {prerequisites: "https://www.natex.org/technician/certification"}
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "catalog", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_real_catalog_validates_through_the_command_line() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


def test_the_real_catalog_loads_and_every_trade_reference_is_known() -> None:
    catalog = default_catalog()
    assert len(catalog.credentials) >= 100
    for credential in catalog.credentials.values():
        assert set(credential.trades) <= set(catalog.trades), credential.id


def test_taxonomy_has_25_plus_trades_each_with_soc_spanish_name_and_6_aliases() -> None:
    import yaml

    taxonomy = TaxonomyFile.model_validate(yaml.safe_load(TAXONOMY_PATH.read_text("utf-8")))
    assert len(taxonomy.trades) >= 25
    for trade in taxonomy.trades:
        assert len(trade.aliases) >= 6, trade.id
        assert trade.es, trade.id
        assert trade.soc[2] == "-", trade.id
    spanish = {a for t in taxonomy.trades for a in t.aliases}
    assert {"electricista", "plomero", "soldador", "carpintero"} <= spanish
    assert {"sparky", "plumer", "tin knocker", "wrench", "grease monkey"} <= spanish


def test_onet_attribution_travels_with_the_onet_titles() -> None:
    readme = (ROOT / "catalog" / "onet" / "README.md").read_text("utf-8")
    assert "CC BY 4.0" in readme and "USDOL/ETA" in readme
    assert "CC BY 4.0" in TAXONOMY_PATH.read_text("utf-8")
    assert "O*NET" in (ROOT / "docs" / "CATALOG.md").read_text("utf-8")


def test_a_valid_small_data_dir_loads(tmp_path: Path) -> None:
    write(tmp_path, "hvac.yaml", GOOD)
    catalog = load_catalog(tmp_path, today=TODAY)
    assert sorted(catalog.credentials) == ["epa-608-universal", "nate-air-conditioning"]
    assert catalog.sources["nate-air-conditioning"].line == 18


def test_an_operator_typo_is_reported_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = GOOD.replace("    delivery: [exam_only]\n", "    delivery: [exam-only]\n", 1)
    broken = broken.replace("level: intermediate", "level: expert")
    broken = broken.replace(
        "    goals: [promotion]\n", "    goals: [promotion]\n    cost: {min: -5}\n"
    )
    path = write(tmp_path, "hvac.yaml", broken)

    code = main(["--data", str(tmp_path), "validate", "--today", "2026-11-22"])

    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(x.startswith(f"{path}:10:") and "delivery" in x for x in lines), lines
    assert any(x.startswith(f"{path}:28:") and "cost.min" in x for x in lines), lines
    assert any(x.startswith(f"{path}:29:") and "level" in x for x in lines), lines


def test_cross_file_rules_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "hvac.yaml", GOOD)
    second = (
        GOOD.replace("trade: hvac", "trade: plumbing_and_more")
        .replace("id: nate-air-conditioning", "id: nate-heat-pumps")
        .replace("prerequisites: [epa-608-universal]", "prerequisites: [epa-609-mvac]")
        .replace("trades: [hvac]", "trades: [hvac, plumer]")
        .replace("https://www.natex.org/", "http://www.natex.org/")
        .replace("last_reviewed: 2026-10-01", "last_reviewed: 2027-01-01")
    )
    path = write(tmp_path, "other.yaml", second)

    _, problems = check_catalog(tmp_path, today=TODAY)
    found = {(p.path.name, p.line, p.message.split(":")[0]) for p in problems}
    text = "\n".join(str(p) for p in problems)

    assert ("other.yaml", 1, "trade 'plumbing_and_more' is not in taxonomy.yaml") in found, text
    assert f"{path}:3: duplicate id 'epa-608-universal'" in text
    assert "already in" in text and "hvac.yaml:3" in text
    assert f"{path}:22: nate-heat-pumps: trade 'plumer' is not in taxonomy.yaml" in text
    assert f"{path}:25: nate-heat-pumps: prerequisites names unknown credential id" in text
    assert f"{path}:29: nate-heat-pumps: source_url must be https" in text
    assert f"{path}:30: nate-heat-pumps: last_reviewed 2027-01-01 is in the future" in text


def test_yaml_syntax_errors_and_duplicate_keys_have_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        GOOD.replace("    type: Certification\n", "    type: Certification\n    name: again\n", 1),
    )
    write(tmp_path, "b.yaml", "trade: hvac\ncredentials:\n  - id: [unclosed\n")
    _, problems = check_catalog(tmp_path, today=TODAY)
    text = "\n".join(str(p) for p in problems)
    assert "a.yaml:7: duplicate key 'name'" in text
    assert any(p.path.name == "b.yaml" and p.line and "YAML syntax" in p.message for p in problems)


def test_load_catalog_raises_with_every_blocking_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.replace("type: Certification", "type: Diploma"))
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    assert len(raised.value.problems) == 2
    assert all(p.line for p in raised.value.problems)


def test_data_dir_default_is_the_package_data() -> None:
    assert DATA_DIR == ROOT / "catalog" / "data"


# ------------------------------------------------------------ provenance (issue 11)

SOURCED = """\
trade: hvac
credentials:
  - id: nccer-welding-like
    name: NCCER Core Curriculum
    issuer: NCCER
    type: Certificate
    trades: [hvac]
    description: Entry-level training with a national registry wallet card.
    description_es: Capacitación inicial con tarjeta del registro nacional.
    delivery: [in_person]
    hours: {min: 72, max: 72}
    cost: {min: 125, max: 125}
    exam: {minutes: 90, questions: 55}
    prerequisites: [epa-608-universal]
    renewal: {expires: true, months: 36}
    recognition: [US]
    source_url: https://www.nccer.org/craft-training/
    last_reviewed: 2026-11-01
    sources:
      hours: https://www.nccer.org/curriculum/core
      cost: {url: "https://example-prep.com/nccer-core-price", third_party: true, quote: "$125"}
      exam: {url: "https://www.nccer.org/assessments/core", quote: "55 questions, 90 minutes"}
      prerequisites: https://www.nccer.org/curriculum/core
      renewal: https://www.nccer.org/registry/renewals
  - id: epa-608-universal
    name: EPA Section 608 Technician Certification - Universal
    issuer: U.S. Environmental Protection Agency
    type: Certification
    trades: [hvac]
    description: Federal certification required to buy refrigerant and service equipment.
    description_es: Certificación federal para comprar refrigerante y dar servicio a equipos.
    delivery: [exam_only]
    recognition: [US]
    source_url: https://www.epa.gov/section608
    last_reviewed: 2026-11-01
"""


def provenance_problems(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path, "hvac.yaml", text)
    catalog, problems = check_catalog(tmp_path, today=TODAY)
    assert catalog is not None and len(catalog) == 2  # never blocking: the bot still runs
    assert not any(p.blocking for p in problems)
    return [str(p) for p in problems]


def test_a_fully_sourced_record_passes_the_provenance_rules(tmp_path: Path) -> None:
    assert provenance_problems(tmp_path, SOURCED) == []


def test_a_number_without_a_source_fails_with_its_line(tmp_path: Path) -> None:
    text = SOURCED.replace("      hours: https://www.nccer.org/curriculum/core\n", "")
    text = text.replace("      renewal: https://www.nccer.org/registry/renewals\n", "")
    found = provenance_problems(tmp_path, text)
    path = tmp_path / "hvac.yaml"
    assert found == [
        f"{path}:11: nccer-welding-like: hours has no entry in sources",
        f"{path}:15: nccer-welding-like: renewal has no entry in sources",
    ]


def test_a_bare_home_page_is_no_source_for_a_number(tmp_path: Path) -> None:
    text = SOURCED.replace(
        "      hours: https://www.nccer.org/curriculum/core",
        "      hours: https://www.nccer.org/",
    ).replace('{url: "https://www.nccer.org/assessments/core"', '{url: "https://www.nccer.org"')
    found = provenance_problems(tmp_path, text)
    path = tmp_path / "hvac.yaml"
    assert found == [
        f"{path}:20: nccer-welding-like: sources.hours is a bare home page "
        "(https://www.nccer.org/); cite the page that states it",
        f"{path}:22: nccer-welding-like: sources.exam is a bare home page "
        "(https://www.nccer.org/); cite the page that states it",
    ]


@pytest.mark.parametrize(
    ("field", "prose", "expected"),
    [
        ("description", "A 280 hours program.", "description states '280 hours' but hours is null"),
        ("description_es", "Programa de 280 horas.", "states '280 horas' but hours is null"),
        ("description", "A 30-hour course.", "states '30-hour' but hours is null"),
        ("description", "The exam fee is $125.", "states a price ('$125') but cost is null"),
        ("description_es", "Cuesta 90 dólares.", "states a price ('90 dólares') but cost is null"),
        ("description", "A 100-question exam.", "'100-question' but exam.questions is null"),
        ("description", "A 90-minute exam.", "'90-minute' but exam.minutes is null"),
        ("description", "Renew every 3 years.", "renewal period ('Renew every 3 years')"),
        (
            "description_es",
            "Se renueva cada tres años.",
            "renewal period ('renueva cada tres años')",
        ),
    ],
)
def test_a_description_stating_a_number_its_field_leaves_empty_fails(
    tmp_path: Path, field: str, prose: str, expected: str
) -> None:
    text = SOURCED
    for fact in ("hours", "cost", "exam", "renewal"):
        text = text.replace(f"    {fact}: {{", f"    {fact}: null\n    old_{fact}: {{", 1)
    text = "\n".join(line for line in text.splitlines() if "old_" not in line) + "\n"
    original = {
        "description": "Entry-level training with a national registry wallet card.",
        "description_es": "Capacitación inicial con tarjeta del registro nacional.",
    }[field]
    text = text.replace(original, prose, 1)
    found = provenance_problems(tmp_path, text)
    assert len(found) == 1, found
    assert f"nccer-welding-like: {field} " in found[0]
    assert expected in found[0]
    # The same prose is fine once the field carries the number (and its source).
    assert provenance_problems(tmp_path, SOURCED.replace(original, prose, 1)) == []


def test_hours_of_experience_written_in_prerequisites_are_not_training_hours(
    tmp_path: Path,
) -> None:
    text = SOURCED.replace("    hours: {min: 72, max: 72}\n", "    hours: null\n")
    text = text.replace("[epa-608-universal]", '["8,000 hours of supervised work"]')
    text = text.replace(
        "Entry-level training with a national registry wallet card.",
        "Needs 8,000 hours of supervised work first.",
    )
    assert provenance_problems(tmp_path, text) == []


def test_a_missing_spanish_description_fails_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SOURCED.replace(
        "    description_es: Capacitación inicial con tarjeta del registro nacional.\n", ""
    )
    path = tmp_path / "hvac.yaml"
    assert provenance_problems(tmp_path, text) == [
        f"{path}:8: nccer-welding-like: description_es is missing"
    ]
    assert main(["--data", str(tmp_path), "validate", "--today", "2026-11-22"]) == 1
    assert "description_es is missing" in capsys.readouterr().out
