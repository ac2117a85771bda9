"""``python -m catalog``: search, match trades, recommend, check and exchange the catalog.

Try::

    python -m catalog trade "tin knocker" --json
    python -m catalog search "osha 10" --limit 3
    python -m catalog recommend --trade plumber --goal license --region Texas
    python -m catalog validate
    python -m catalog vet "lifetime OSHA 30 certification, $25, instant card" --json
    python -m catalog export --format ctdl > catalog.jsonld

Exit status: 0 done, 1 the data is invalid or an import was refused, 2 bad usage (or no
trade recognised). A trade name that fits several trades ("maintenance tech") is read
from the worker's own words (--about) and goals, or the advice covers every candidate;
a note on standard error says which reading was taken.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from catalog.coverage import COLUMNS, coverage, coverage_by_trade, markdown_table, source_counts
from catalog.exchange import ImportRefused, export_csv, export_ctdl, import_credentials
from catalog.loader import (
    DATA_DIR,
    CatalogError,
    check_catalog,
    default_catalog,
    load_catalog,
)
from catalog.model import Catalog
from catalog.onet import ATTRIBUTION
from catalog.recommend import EXPERIENCES, Profile, Reason, recommend
from catalog.regions import normalize_region
from catalog.schema import GOALS, Credential
from catalog.search import matched_words, search
from catalog.trades import TradeMatch, TradeReading, normalize_trade, read_trade
from catalog.vetting import vet

EPILOG = "Trade titles: " + ATTRIBUTION


def main(argv: Sequence[str] | None = None) -> int:
    # The command line's one look at the calendar, through the project's one clock (a
    # module with no dependencies, so the catalog stays usable without the bot);
    # `--today` overrides it (tests, and checking data as of another day).
    from bot.clock import Clock

    args = _parser(today=Clock().now().date()).parse_args(argv)
    try:
        return args.run(args)
    except CatalogError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except BrokenPipeError:  # `python -m catalog export | head`
        return 0


def _parser(today: date) -> argparse.ArgumentParser:
    """The command line; `today` is what `--today` means when it is not given."""
    parser = argparse.ArgumentParser(
        prog="python -m catalog",
        description="Toolbox credential catalog: search, trade matching, recommendations.",
        epilog=EPILOG,
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"data directory (default {DATA_DIR})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("search", help="free-text credential search", epilog=EPILOG)
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_search)

    p = commands.add_parser("trade", help="which trade a text names", epilog=EPILOG)
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_trade)

    p = commands.add_parser("recommend", help="credentials for a worker", epilog=EPILOG)
    p.add_argument("--trade", required=True, help="trade id or any name `trade` understands")
    p.add_argument("--goal", required=True, help="comma-separated: " + ",".join(GOALS))
    p.add_argument("--about", default="", help="what the worker wants to be able to do")
    p.add_argument("--experience", choices=EXPERIENCES)
    p.add_argument("--hours", type=float, help="hours per week available")
    p.add_argument("--budget", type=float, help="budget in USD")
    p.add_argument("--delivery", choices=("online", "in_person", "any"), default="any")
    p.add_argument("--region", help='e.g. "Texas", "ON", "UK"')
    p.add_argument("--holds", default="", help="comma-separated ids already held")
    p.add_argument("--dismissed", default="", help="comma-separated ids not to show")
    p.add_argument("--limit", type=int, default=3)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_recommend)

    p = commands.add_parser("stats", help="what the catalog holds", epilog=EPILOG)
    p.add_argument("--json", action="store_true")
    p.add_argument("--markdown", action="store_true", help="only the coverage table, as Markdown")
    p.set_defaults(run=_stats)

    p = commands.add_parser("vet", help="is this course, ad or card legit? (sourced rules)")
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_vet)

    p = commands.add_parser("validate", help="check every data file, with line numbers")
    _today_option(p, today)
    p.set_defaults(run=_validate)

    p = commands.add_parser("export", help="write the catalog as CSV or CTDL JSON-LD")
    p.add_argument("--format", choices=("csv", "ctdl"), required=True)
    p.add_argument("--output", type=Path, help="file to write (default: standard output)")
    p.set_defaults(run=_export)

    p = commands.add_parser("import", help="add credentials from a CSV, JSON or YAML file")
    p.add_argument("file", type=Path)
    _today_option(p, today)
    p.set_defaults(run=_import)
    return parser


def _today_option(command: argparse.ArgumentParser, today: date) -> None:
    command.add_argument(
        "--today",
        type=date.fromisoformat,
        default=today,
        metavar="YYYY-MM-DD",
        help="date for last_reviewed checks (default: today)",
    )


# ---------------------------------------------------------------------------- commands


def _load(args: argparse.Namespace) -> Catalog:
    return default_catalog() if args.data is None else load_catalog(args.data)


def _search(args: argparse.Namespace) -> int:
    catalog = _load(args)
    hits = search(args.text, args.limit, catalog=catalog)
    if args.json:
        results = [
            {
                "id": h.id,
                "name": h.credential.name,
                "issuer": h.credential.issuer,
                "score": h.score,
                "why": _matched(h.credential, args.text, catalog),
                "type": h.credential.type,
                "trades": list(h.credential.trades),
                "source_url": str(h.credential.source_url),
            }
            for h in hits
        ]
        _print_json(results)
        return 0
    if not hits:
        print("No credential matches.")
    for n, h in enumerate(hits, start=1):
        print(f"{n:>2}. {h.credential.name}  [{h.id}]  {h.score:.0f}")
        print(f"    {h.credential.issuer}")
    return 0


def _trade_json(match: TradeMatch) -> dict[str, Any]:
    trade = match.trade
    return {
        "trade": trade.id if trade else None,
        "name": trade.name if trade else None,
        "soc": trade.soc if trade else None,
        "score": match.score,
        "candidates": [
            {"trade": t.id, "name": t.name, "soc": t.soc, "score": s} for t, s in match.candidates
        ],
    }


def _trade(args: argparse.Namespace) -> int:
    catalog = _load(args)
    match = normalize_trade(args.text, catalog=catalog)
    if args.json:
        _print_json(_trade_json(match))
        return 0
    if match.trade is not None:
        print(
            f"{match.trade.name} ({match.trade.id}, O*NET-SOC {match.trade.soc})  {match.score:.0f}"
        )
    elif match.candidates:
        names = ", ".join(f"{t.name} ({t.id})" for t, _ in match.candidates)
        print(f"Not sure. Did you mean: {names}?")
    else:
        print("No trade recognised.")
    return 0


def _recommend(args: argparse.Namespace) -> int:
    catalog = _load(args)
    goals = {g.strip() for g in args.goal.split(",") if g.strip()}
    unknown = goals - set(GOALS)
    if unknown:
        print(
            f"unknown goal(s): {', '.join(sorted(unknown))}; use {', '.join(GOALS)}",
            file=sys.stderr,
        )
        return 2
    reading = read_trade(args.trade, args.about, catalog=catalog)
    if not reading.trades:
        if args.json:
            _print_json({"error": "unknown_trade", "text": args.trade, "candidates": []})
        else:
            print(f"No trade recognised in {args.trade!r}.", file=sys.stderr)
        return 2
    if reading.ambiguous:
        print(_reading_note(args.trade, reading, catalog), file=sys.stderr)
    trade_id = reading.trades[0] if len(reading.trades) == 1 else args.trade
    holds = _ids(args.holds)
    missing = sorted(h for h in holds if h not in catalog.credentials)
    if missing:
        print(f"note: not in the catalog, ignored: {', '.join(missing)}", file=sys.stderr)
    if args.region and normalize_region(args.region) is None:
        print(f"note: region {args.region!r} not recognised, ignored", file=sys.stderr)
    profile = Profile(
        trade=trade_id,
        experience=args.experience,
        goals=goals,
        about=args.about,
        weekly_hours=args.hours,
        budget_usd=args.budget,
        delivery=args.delivery,
        region=normalize_region(args.region),
        holds=holds,
        dismissed=_ids(args.dismissed),
    )
    recs = recommend(profile, args.limit, args.offset, catalog=catalog)
    if args.json:
        _print_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "issuer": r.credential.issuer,
                    "score": r.score,
                    "why": _codes(r.reasons),
                    "reasons": [{"code": x.code, "params": x.params} for x in r.reasons],
                    "type": r.credential.type,
                    "level": r.credential.level,
                    "delivery": list(r.credential.delivery),
                    "cost": r.credential.cost.model_dump() if r.credential.cost else None,
                    "hours": r.credential.hours.model_dump() if r.credential.hours else None,
                    "recognition": list(r.credential.recognition),
                    "source_url": str(r.credential.source_url),
                }
                for r in recs
            ]
        )
        return 0
    if not recs:
        print("Nothing to suggest for this profile.")
    for n, r in enumerate(recs, start=1 + max(args.offset, 0)):
        print(f"{n}. {r.name}  [{r.id}]")
        print(f"   {_codes(r.reasons)}")
    return 0


def _reading_note(text: str, reading: TradeReading, catalog: Catalog) -> str:
    """Which reading of an ambiguous trade name the advice took, and why."""
    names = " and ".join(f"{catalog.trades[t].name} ({t})" for t in reading.trades)
    if reading.how == "own_words":
        return f"note: reading {text!r} as {names}, from your words: {', '.join(reading.matched)}"
    return f"note: {text!r} may be {names}: suggestions cover each"


def _stats(args: argparse.Namespace) -> int:
    catalog = _load(args)
    records = catalog.records
    per_trade = {t: len(catalog.by_trade.get(t, ())) for t in catalog.trades}
    files = Counter(catalog.sources[c.id].path.name for c in records if c.id in catalog.sources)
    total = coverage(records)
    per_trade_coverage = coverage_by_trade(catalog)
    if args.markdown:
        print(markdown_table(total, per_trade_coverage))
        return 0
    stats = {
        "credentials": len(records),
        "trades": len(catalog.trades),
        "trades_without_credentials": sorted(t for t, n in per_trade.items() if n == 0),
        "files": dict(sorted(files.items())),
        "types": dict(Counter(c.type for c in records).most_common()),
        "recognition": dict(Counter(r for c in records for r in c.recognition).most_common()),
        "with_cost": sum(c.cost is not None for c in records),
        "with_hours": sum(c.hours is not None for c in records),
        "with_renewal": sum(c.renewal is not None for c in records),
        "coverage": total.as_dict(),
        **source_counts(records),
        "coverage_per_trade": {t: cov.as_dict() for t, cov in per_trade_coverage.items()},
        "per_trade": dict(sorted(per_trade.items(), key=lambda kv: (-kv[1], kv[0]))),
        "trade_names": len(catalog.trade_names.entries),
        "attribution": ATTRIBUTION,
    }
    if args.json:
        _print_json(stats)
        return 0
    print(f"{stats['credentials']} credentials in {len(files)} files; {stats['trades']} trades")
    print(
        f"known cost: {stats['with_cost']}, known hours: {stats['with_hours']}, "
        f"known renewal: {stats['with_renewal']}"
    )
    print(
        "coverage (records with the field; sources = every stated fact sourced): "
        + ", ".join(f"{c} {total.counts[c]}" for c in COLUMNS)
    )
    print(
        f"facts stated: {stats['facts_stated']}, sourced: {stats['facts_sourced']} "
        f"({stats['facts_third_party']} third-party); "
        f"source_url a bare home page: {stats['source_url_home_page']}; "
        f"records with a number only in prose: {stats['numbers_only_in_prose']}"
    )
    print("coverage per trade (records: " + ", ".join(COLUMNS) + "):")
    for trade_id, cov in per_trade_coverage.items():
        cells = " ".join(str(cov.counts[c]) for c in COLUMNS)
        print(f"  {trade_id:<26} {cov.records:>3}: {cells}")
    print("types: " + ", ".join(f"{k} {v}" for k, v in stats["types"].items()))
    print("recognised in: " + ", ".join(f"{k} {v}" for k, v in stats["recognition"].items()))
    print("per trade: " + ", ".join(f"{k} {v}" for k, v in stats["per_trade"].items() if v))
    if stats["trades_without_credentials"]:
        print("no credentials yet: " + ", ".join(stats["trades_without_credentials"]))
    print(f"trade names for matching: {stats['trade_names']} (ours and O*NET titles)")
    print()
    print(ATTRIBUTION)
    return 0


def _vet(args: argparse.Namespace) -> int:
    """Codes and pages, not sentences: the bot words them in the worker's language."""
    answer = vet(args.text, catalog=_load(args))
    if args.json:
        _print_json(answer.as_json())
        return 0
    if answer.status == "unknown":
        print("unknown: the catalog does not know this one")
    else:
        print(f"{answer.status}: {answer.credential_name or answer.family_name}")
        if answer.issuer:
            print(f"  issuer: {answer.issuer}")
    for title, points in (
        ("fact", answer.facts),
        ("accreditation", answer.accreditation),
        ("red flag", answer.red_flags),
        ("check", answer.check),
    ):
        for point in points:
            where = f" -> {point.url}" if point.url else ""
            print(f"  {title}: {point.code}{where}  [source {point.source}]")
    return 0


def _validate(args: argparse.Namespace) -> int:
    catalog, problems = check_catalog(args.data, today=args.today)
    for problem in problems:
        print(problem)
    if problems or catalog is None:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    files = {s.path for s in catalog.sources.values()}
    print(f"OK: {len(catalog)} credentials in {len(files)} files, {len(catalog.trades)} trades.")
    return 0


def _export(args: argparse.Namespace) -> int:
    catalog = _load(args)
    if args.format == "csv":
        text = export_csv(catalog.records)
    else:
        text = json.dumps(export_ctdl(catalog), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {len(catalog)} credentials to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _import(args: argparse.Namespace) -> int:
    data_dir = args.data or DATA_DIR
    try:
        written = import_credentials(args.file, data_dir, today=args.today)
    except ImportRefused as refused:
        print("Import refused; nothing was written:", file=sys.stderr)
        for problem in refused.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"Import refused: {error}", file=sys.stderr)
        return 1
    for path, ids in written.items():
        print(f"{path}: added {', '.join(ids)}")
    return 0


def _ids(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _matched(credential: Credential, text: str, catalog: Catalog) -> str:
    """ "epa, 608 (name); refrigerant (keywords)": which words matched where."""
    found = matched_words(credential, text, catalog=catalog)
    parts = [f"{', '.join(words)} ({field})" for field, words in found.items()]
    return "; ".join(parts) or "similar wording"


def _codes(reasons: list[Reason]) -> str:
    """ "trade_fit trade=hvac; goal_license": the reasons as data. The bot words them (in
    the worker's language); the catalog keeps no sentences."""
    return "; ".join(
        " ".join([r.code, *(f"{k}={v}" for k, v in r.params.items())]) for r in reasons
    )
