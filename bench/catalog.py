"""Benchmark the catalog's search and recommend, against a naive rapidfuzz baseline.

    python bench/catalog.py --size real          # the catalog in catalog/data
    python bench/catalog.py --size 10000 --json  # real records plus synthetic ones
    python bench/catalog.py --size 100000 --json

Synthetic catalogs are the real records plus deterministic mutations of them (names
re-mixed with words of other records and invented brand words, other issuers, sampled
keywords and skills), so queries meet many plausible near-misses. Queries are the
labelled set in tests/data/credential_queries.tsv: latency and top-3 accuracy are
measured on the same data and queries for our index and for the baseline
``rapidfuzz.process.extract(query, record_texts, scorer=fuzz.WRatio)``.

Search latency is measured cold: the typo cache is cleared before every query. With
``--json`` the last line printed is one JSON object with the figures.

Trade titles: this data includes information from the O*NET 27.0 Database by the U.S.
Department of Labor, Employment and Training Administration (USDOL/ETA), used under the
CC BY 4.0 licence. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved,
endorsed, or tested these modifications.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from rapidfuzz import fuzz, process, utils  # noqa: E402

from catalog import Catalog, Profile, default_catalog, recommend  # noqa: E402
from catalog.matching import record_text  # noqa: E402
from catalog.recommend import prepare  # noqa: E402
from catalog.regions import normalize_region  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "credential_queries.tsv"
PERSONAS = ROOT / "tests" / "data" / "personas.yaml"
SEED = 20261122
SYLLABLES = [
    "ka", "vo", "rin", "tel", "mar", "dex", "sol", "bri", "tan", "qua", "lo", "zen",
    "pra", "vik", "nor", "ful", "gra", "hex", "ion", "jet", "lum", "oss", "pex", "rud",
]  # fmt: skip
ORG_WORDS = ["Institute", "Academy", "Training Center", "Board", "Council", "Guild", "College"]


def labelled_queries() -> list[tuple[str, str]]:
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and line != "query\tid":
            query, credential_id = line.split("\t")
            rows.append((query, credential_id))
    return rows


def profiles() -> list[Profile]:
    out = []
    for persona in yaml.safe_load(PERSONAS.read_text(encoding="utf-8")):
        data = dict(persona["profile"])
        for key in ("goals", "holds", "dismissed"):
            if key in data:
                data[key] = set(data[key])
        out.append(Profile(**data))
    return out


def synthetic_catalog(real: Catalog, size: int) -> Catalog:
    """``size`` records: the real ones plus deterministic mutations of them."""
    rng = random.Random(SEED)
    records = list(real.records)
    brands = sorted(
        {
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            for _ in range(max(size // 4, 100))
        }
    )
    name_words = sorted({w for c in records for w in c.name.split() if w.isalpha()})
    keywords = sorted({k for c in records for k in c.keywords})
    skills = sorted({s for c in records for s in c.skills})
    issuers = sorted({c.issuer for c in records})
    out = list(records)
    n = 0
    while len(out) < size:
        base = records[n % len(records)]
        n += 1
        words = base.name.split()
        for _ in range(rng.randint(1, 3)):
            words[rng.randrange(len(words))] = rng.choice(name_words)
        brand = rng.choice(brands).title()
        name = f"{brand} {' '.join(words)} {rng.choice(['Level', 'Module', 'Part', 'Series'])}"
        name = f"{name} {rng.randint(1, 9)}"[:160]
        issuer = (
            rng.choice(issuers)
            if rng.random() < 0.5
            else f"{rng.choice(brands).title()} {rng.choice(ORG_WORDS)}"
        )
        out.append(
            base.model_copy(
                update={
                    "id": f"syn-{n:06d}-{base.id}"[:80],
                    "name": name,
                    "issuer": issuer,
                    "aliases": [],
                    "keywords": rng.sample(keywords, k=min(4, len(keywords))),
                    "skills": rng.sample(skills, k=min(3, len(skills))),
                    "leads_to": [],
                    "part_of": [],
                    "prerequisites": [],
                }
            )
        )
    return Catalog(out, list(real.trades.values()), trade_names=real.trade_names)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_search(catalog: Catalog, queries: list[tuple[str, str]], repeat: int):
    from catalog import search

    latencies: list[float] = []
    correct = 0
    for round_ in range(repeat):
        for query, expected in queries:
            catalog.index.vocabulary.clear_cache()
            started = time.perf_counter()
            hits = search(query, 3, catalog=catalog)
            latencies.append((time.perf_counter() - started) * 1000)
            if round_ == 0 and expected in [h.id for h in hits]:
                correct += 1
    return latencies, correct / len(queries)


def time_baseline(catalog: Catalog, queries: list[tuple[str, str]]):
    texts = [record_text(c) for c in catalog.records]
    ids = [c.id for c in catalog.records]
    latencies: list[float] = []
    correct = 0
    for query, expected in queries:
        started = time.perf_counter()
        found = process.extract(
            query, texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=3
        )
        latencies.append((time.perf_counter() - started) * 1000)
        if expected in [ids[index] for _, _, index in found]:
            correct += 1
    return latencies, correct / len(queries)


def time_recommend(catalog: Catalog, people: list[Profile], repeat: int) -> list[float]:
    latencies: list[float] = []
    for _ in range(repeat):
        for profile in people:
            started = time.perf_counter()
            recommend(profile, 3, catalog=catalog)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def index_megabytes(real: Catalog, size: int) -> float:
    """Memory the indexes hold (credential records excluded), via tracemalloc."""
    base = real if size <= len(real) else synthetic_catalog(real, size)
    records, trades = base.records, list(base.trades.values())
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    built = Catalog(records, trades)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del built
    return (after - before) / 1e6


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="real", help='"real" (or 0), 10000, 100000 ...')
    parser.add_argument("--repeat", type=int, default=3, help="search/recommend rounds")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    size = 0 if args.size in {"real", "0"} else int(args.size)

    real = default_catalog()
    started = time.perf_counter()
    catalog = real if size <= len(real) else synthetic_catalog(real, size)
    prepare(catalog)  # the ranking index, as the bot builds it at start-up
    normalize_region("Texas")  # the state names, which the bot also loads at start-up
    build_s = time.perf_counter() - started
    gc.freeze()  # as default_catalog() does for the real catalog
    queries = labelled_queries()
    people = profiles()

    search_ms, top3 = time_search(catalog, queries, args.repeat)
    recommend_ms = time_recommend(catalog, people, args.repeat)
    baseline_ms, baseline_top3 = ([], None) if args.no_baseline else time_baseline(catalog, queries)
    mb = index_megabytes(real, size)

    result: dict[str, object] = {
        "size": len(catalog),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "queries": len(queries),
        "search_samples": len(search_ms),
        "build_s": round(build_s, 2),
        "search_p50_ms": round(percentile(search_ms, 0.5), 3),
        "search_p99_ms": round(percentile(search_ms, 0.99), 3),
        "recommend_p50_ms": round(percentile(recommend_ms, 0.5), 3),
        "recommend_p99_ms": round(percentile(recommend_ms, 0.99), 3),
        "top3_accuracy": round(top3, 4),
        "index_mb": round(mb, 1),
        **machine(),
    }
    if baseline_ms:
        result.update(
            {
                "baseline_p50_ms": round(percentile(baseline_ms, 0.5), 3),
                "baseline_p99_ms": round(percentile(baseline_ms, 0.99), 3),
                "baseline_top3_accuracy": round(baseline_top3 or 0.0, 4),
                "speedup": round(statistics.mean(baseline_ms) / statistics.mean(search_ms), 1),
                "speedup_p99": round(
                    percentile(baseline_ms, 0.99) / percentile(search_ms, 0.99), 1
                ),
            }
        )
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
