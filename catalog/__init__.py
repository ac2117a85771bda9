"""Toolbox's credential catalog: trade micro-credentials, trade names and advice.

The data lives in ``catalog/data/*.yaml`` (one human-editable file per trade family) and
``catalog/taxonomy.yaml``; see docs/CATALOG.md. Everything here is pure and offline:
no network, no database, no Telegram.

    from catalog import default_catalog, normalize_trade, search, recommend, Profile

    catalog = default_catalog()
    normalize_trade("plomero", catalog=catalog).trade.id       # 'plumber'
    search("osha 10", limit=3, catalog=catalog)[0].id          # 'osha-10-construction'
    recommend(Profile(trade="hvac"), catalog=catalog)[0].reasons  # codes and ids, no prose

Trade titles include information from the O*NET 27.0 Database by the U.S. Department of
Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0
licence. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has not approved, endorsed, or
tested these modifications.
"""

from catalog.loader import CatalogError, Problem, check_catalog, default_catalog, load_catalog
from catalog.model import Catalog
from catalog.recommend import Profile, Reason, Recommendation, recommend
from catalog.regions import normalize_region, region_name
from catalog.schema import Credential, Trade
from catalog.search import SearchHit, search, suggest_credentials
from catalog.trades import TradeMatch, normalize_trade

__all__ = [
    "Catalog",
    "CatalogError",
    "Credential",
    "Problem",
    "Profile",
    "Reason",
    "Recommendation",
    "SearchHit",
    "Trade",
    "TradeMatch",
    "check_catalog",
    "default_catalog",
    "load_catalog",
    "normalize_region",
    "normalize_trade",
    "recommend",
    "region_name",
    "search",
    "suggest_credentials",
]
