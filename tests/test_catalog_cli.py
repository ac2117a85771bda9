"""The `python -m catalog` contract that the bot's operators and scripts rely on."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from catalog import load_catalog
from catalog.cli import main
from catalog.exchange import CSV_COLUMNS, CTDL_CONTEXT
from tests.test_catalog_data import GOOD, run_cli, write


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_trade_json_shape_when_sure_and_when_not(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "trade", "electricista", "--json")
    sure = json.loads(out)
    assert code == 0
    assert sure["trade"] == "electrician"
    assert sure["name"] == "Electrician"
    assert sure["soc"] == "47-2111.00"
    assert 0 < sure["score"] <= 100
    assert sure["candidates"][0] == {
        "trade": "electrician",
        "name": "Electrician",
        "soc": "47-2111.00",
        "score": sure["score"],
    }

    _, out, _ = run(capsys, "trade", "lineman", "--json")
    unsure = json.loads(out)
    assert unsure["trade"] is None and unsure["name"] is None
    assert {c["trade"] for c in unsure["candidates"]} >= {"lineworker", "telecom_technician"}
    assert all(set(c) == {"trade", "name", "soc", "score"} for c in unsure["candidates"])


def test_search_json_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "osha 30", "--limit", "2", "--json")
    results = json.loads(out)
    assert code == 0 and len(results) == 2
    assert results[0]["id"] == "osha-30-construction"
    for result in results:
        assert {"id", "name", "issuer", "score", "why"} <= set(result)
        assert result["why"]


def test_search_human_output_is_short(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "search", "forklift", "--limit", "1")
    assert "[forklift-operator]" in out
    assert len(out.splitlines()) == 2


def test_recommend_json_carries_reasons_for_translation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "recommend",
        "--trade", "plomero",
        "--goal", "license,own_business",
        "--experience", "journeyman",
        "--region", "Texas",
        "--hours", "6",
        "--budget", "500",
        "--delivery", "any",
        "--holds", "osha-10-construction",
        "--limit", "3",
        "--json",
    )  # fmt: skip
    results = json.loads(out)
    assert code == 0 and len(results) == 3
    assert "tx-master-plumber" in [r["id"] for r in results]
    for result in results:
        assert {"id", "name", "issuer", "score", "why", "reasons"} <= set(result)
        assert all({"code", "params"} == set(reason) for reason in result["reasons"])
        assert result["id"] != "osha-10-construction"


def test_an_ambiguous_trade_is_read_from_the_workers_own_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("recommend", "--trade", "maintenance tech", "--goal", "promotion", "--json")
    code, out, err = run(capsys, *args, "--about", "chillers and boilers in an office building")
    results = json.loads(out)
    assert code == 0 and len(results) == 3
    assert all({"id", "name", "issuer", "score", "why"} <= set(r) for r in results)
    assert err.strip() == (
        "note: reading 'maintenance tech' as Building maintenance technician "
        "(facilities_maintenance), from your words: chillers, boilers, building"
    )
    assert all("trade_fit trade=facilities_maintenance" in r["why"] for r in results)

    code, out, err = run(capsys, *args, "--about", "conveyors and PLCs in a factory")
    assert code == 0
    assert "as Industrial maintenance mechanic (industrial_maintenance)" in err
    assert all("trade_fit trade=industrial_maintenance" in r["why"] for r in json.loads(out))


def test_an_ambiguous_trade_without_words_gets_advice_across_its_readings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "recommend", "--trade", "maintenance tech", "--goal", "promotion", "--json"
    )
    results = json.loads(out)
    assert code == 0 and len(results) == 3
    assert err.strip() == (
        "note: 'maintenance tech' may be Building maintenance technician "
        "(facilities_maintenance) and Industrial maintenance mechanic "
        "(industrial_maintenance): suggestions cover each"
    )
    whys = " ".join(r["why"] for r in results)
    assert "trade=facilities_maintenance" in whys
    assert "trade=industrial_maintenance" in whys


def test_recommend_refuses_only_a_trade_it_cannot_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "recommend", "--trade", "xqzzy vvkk", "--goal", "first_job", "--json"
    )
    assert code == 2
    assert json.loads(out) == {"error": "unknown_trade", "text": "xqzzy vvkk", "candidates": []}


def test_recommend_rejects_unknown_goals(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "recommend", "--trade", "hvac", "--goal", "get_rich")
    assert code == 2 and "get_rich" in err


def test_stats_carry_the_onet_attribution(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert "credentials" in out and "O*NET 27.0 Database" in out and "CC BY 4.0" in out


def test_help_carries_the_onet_attribution(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "CC BY 4.0" in capsys.readouterr().out


def test_export_csv_and_ctdl(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and set(CSV_COLUMNS) == set(rows[0])
    assert {"id", "name", "issuer", "type", "trades", "source_url", "last_reviewed"} <= set(rows[0])

    _, out, _ = run(capsys, "export", "--format", "ctdl")
    document = json.loads(out)
    assert document["@context"] == CTDL_CONTEXT
    assert len(document["@graph"]) == len(rows)
    first = document["@graph"][0]
    assert first["@type"].startswith("ceterms:")
    assert first["ceterms:ctid"].startswith("ce-")
    assert "ceterms:name" in first and "ceterms:subjectWebpage" in first


WELDING = """\
trade: welder
credentials:
  - id: aws-certified-welder
    name: AWS Certified Welder
    issuer: American Welding Society
    type: Certification
    trades: [welder]
    description: Performance-based welding test at an accredited test facility.
    delivery: [in_person]
    recognition: [US, INTL]
    goals: [first_job]
    source_url: https://www.aws.org/certification/
    last_reviewed: 2026-11-01
    description_es: Prueba práctica de soldadura en un centro de pruebas acreditado.
"""


def small_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    write(data, "hvac.yaml", GOOD)
    return data


def test_import_round_trips_a_csv_export_and_refuses_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_data(tmp_path)
    exported = tmp_path / "export.csv"
    code, _, _ = run(
        capsys, "--data", str(data), "export", "--format", "csv", "--output", str(exported)
    )
    assert code == 0

    # The same records again: refused, nothing written.
    before = (data / "hvac.yaml").read_text("utf-8")
    code, _, err = run(
        capsys, "--data", str(data), "import", str(exported), "--today", "2026-11-22"
    )
    assert code == 1
    assert "already in the catalog" in err and "epa-608-universal" in err
    assert (data / "hvac.yaml").read_text("utf-8") == before

    # Into another data dir: a new hvac.yaml is written and the catalog still validates.
    other = tmp_path / "other"
    write(other, "welding.yaml", WELDING)
    code, out, err = run(
        capsys, "--data", str(other), "import", str(exported), "--today", "2026-11-22"
    )
    assert code == 0, err
    assert "hvac.yaml" in out
    code, out, _ = run(capsys, "--data", str(other), "validate", "--today", "2026-11-22")
    assert code == 0, out
    code, out, _ = run(capsys, "--data", str(other), "search", "epa 608", "--json")
    assert json.loads(out)[0]["id"] == "epa-608-universal"


def test_import_of_ctdl_and_yaml_appends_to_the_trade_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_data(tmp_path)
    ctdl = tmp_path / "catalog.json"
    run(capsys, "--data", str(data), "export", "--format", "ctdl", "--output", str(ctdl))
    fresh = tmp_path / "fresh"
    write(fresh, "welding.yaml", WELDING)
    code, _, err = run(capsys, "--data", str(fresh), "import", str(ctdl), "--today", "2026-11-22")
    assert code == 0, err
    assert "nate-air-conditioning" in (fresh / "hvac.yaml").read_text("utf-8")

    more = WELDING.replace("aws-certified-welder", "aws-cwi").replace(
        "AWS Certified Welder", "AWS Certified Welding Inspector"
    )
    extra = write(tmp_path, "extra.yaml", more)
    code, _, err = run(capsys, "--data", str(fresh), "import", str(extra), "--today", "2026-11-22")
    assert code == 0, err
    text = (fresh / "welding.yaml").read_text("utf-8")
    assert text.startswith(WELDING)  # what people wrote stays as it was
    assert "id: aws-cwi" in text
    code, _, err = run(capsys, "--data", str(fresh), "import", str(extra), "--today", "2026-11-22")
    assert code == 1 and "aws-cwi" in err and "already in the catalog" in err


def test_import_refuses_invalid_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = small_data(tmp_path)
    bad = write(
        tmp_path,
        "bad.yaml",
        GOOD.replace("epa-608-universal", "New Id!").replace("nate-air-conditioning", "nate-z"),
    )
    code, _, err = run(capsys, "--data", str(data), "import", str(bad), "--today", "2026-11-22")
    assert code == 1
    assert "Import refused" in err and "id" in err


def test_today_decides_which_last_reviewed_dates_are_in_the_future(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_data(tmp_path)  # epa-608-universal: last_reviewed 2026-11-01, on line 15
    hvac = data / "hvac.yaml"
    trades = len(load_catalog(data).trades)  # the taxonomy's, whatever its size
    code, out, err = run(capsys, "--data", str(data), "validate", "--today", "2026-11-01")
    assert (code, out, err) == (0, f"OK: 2 credentials in 1 files, {trades} trades.\n", "")
    code, out, err = run(capsys, "--data", str(data), "validate", "--today", "2026-10-31")
    assert (code, out, err) == (
        1,
        f"{hvac}:15: epa-608-universal: last_reviewed 2026-11-01 is in the future\n",
        "1 problem(s) found.\n",
    )
    # Without --today it is the real day: a review dated 2999 is always ahead of it.
    write(data, "hvac.yaml", GOOD.replace("last_reviewed: 2026-11-01", "last_reviewed: 2999-01-01"))
    code, out, _ = run(capsys, "--data", str(data), "validate")
    assert (code, out) == (
        1,
        f"{hvac}:15: epa-608-universal: last_reviewed 2999-01-01 is in the future\n",
    )

    # import: the welder's card, reviewed 2026-11-01, is refused the day before, taken on it.
    welding = write(tmp_path, "welding.yaml", WELDING)
    fresh = tmp_path / "fresh"
    write(fresh, "hvac.yaml", GOOD.replace("2026-11-01", "2026-10-01"))
    code, out, err = run(
        capsys, "--data", str(fresh), "import", str(welding), "--today", "2026-10-31"
    )
    assert (code, out, err) == (
        1,
        "",
        "Import refused; nothing was written:\n"
        f"  {welding}: aws-certified-welder: last_reviewed is in the future\n",
    )
    code, out, err = run(
        capsys, "--data", str(fresh), "import", str(welding), "--today", "2026-11-01"
    )
    assert (code, out, err) == (0, f"{fresh / 'welder.yaml'}: added aws-certified-welder\n", "")


def test_global_data_option_reaches_every_command(tmp_path: Path) -> None:
    data = small_data(tmp_path)
    shutil.copy(Path(__file__).resolve().parents[1] / "catalog" / "taxonomy.yaml", data)
    result = run_cli("--data", str(data), "search", "nate", "--json")
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["nate-air-conditioning"]


def test_stats_report_coverage_per_field_and_per_trade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_catalog_data import SOURCED

    # One record states five sourced facts (one third-party); the other states none.
    write(tmp_path, "hvac.yaml", SOURCED)
    code, out, _ = run(capsys, "--data", str(tmp_path), "stats", "--json")
    stats = json.loads(out)
    assert code == 0
    assert stats["coverage"] == {
        "records": 2,
        "hours": 1,
        "cost": 1,
        "exam": 1,
        "renewal": 1,
        "sources": 1,
        "description_es": 2,
    }
    assert stats["coverage_per_trade"] == {"hvac": stats["coverage"]}
    assert (stats["facts_stated"], stats["facts_sourced"], stats["facts_third_party"]) == (5, 5, 1)
    assert stats["source_url_home_page"] == 0

    # A bare home page is no source: the record is no longer fully sourced.
    homepage = SOURCED.replace("/registry/renewals", "/").replace("/craft-training/", "")
    write(tmp_path, "hvac.yaml", homepage)
    _, out, _ = run(capsys, "--data", str(tmp_path), "stats", "--json")
    stats = json.loads(out)
    assert stats["coverage"]["sources"] == 0 and stats["facts_sourced"] == 4
    assert stats["source_url_home_page"] == 1

    _, out, _ = run(capsys, "--data", str(tmp_path), "stats", "--markdown")
    assert out.splitlines()[2] == (
        "| **all** | 2 | 1 (50 %) | 1 (50 %) | 1 (50 %) | 1 (50 %) | 0 (0 %) | 2 (100 %) |"
    )


def test_csv_and_ctdl_carry_the_provenance_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from catalog import load_catalog
    from tests.test_catalog_data import SOURCED

    data = tmp_path / "data"
    write(data, "hvac.yaml", SOURCED.replace("    exam: {", "    holder: firm\n    exam: {", 1))
    exported = tmp_path / "export.csv"
    assert main(["--data", str(data), "export", "--format", "csv", "--output", str(exported)]) == 0
    other = tmp_path / "other"
    write(other, "welding.yaml", WELDING)
    code = main(["--data", str(other), "import", str(exported), "--today", "2026-11-22"])
    assert code == 0, capsys.readouterr()
    before = load_catalog(data).credentials
    after = load_catalog(other).credentials
    for credential_id in before:
        assert after[credential_id] == before[credential_id]
    assert after["nccer-welding-like"].source("cost").third_party  # type: ignore[union-attr]

    ctdl = tmp_path / "catalog.json"
    main(["--data", str(data), "export", "--format", "ctdl", "--output", str(ctdl)])
    node = json.loads(ctdl.read_text("utf-8"))["@graph"][0]
    assert node["ceterms:description"]["es"].startswith("Capacitación inicial")
    assert node["ceterms:inLanguage"] == ["en-US", "es"]
