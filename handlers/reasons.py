"""Why a credential is suggested, in the worker's language.

The catalog gives reasons as data (a code and ids or numbers); this module is the one
place that words them: trade ids become the trade's name in the worker's language,
credential ids the credential's name, region codes a place name.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import N_, Np_, Translator
from catalog import Catalog, Reason
from handlers.choices import place_name, trade_name

REASON_TEXTS: dict[str, str] = {
    "trade_fit": N_("Fits your trade ({trade})"),
    "trade_near": N_("Used in {trade} work"),
    "goal_first_job": N_("Helps land a first job"),
    "goal_license": N_("Counts toward a license"),
    "goal_promotion": N_("Helps toward a promotion"),
    "goal_switch_trade": N_("A way into a new trade"),
    "goal_safety": N_("Safety training employers ask for"),
    "goal_renew": N_("Keeps your credentials current"),
    "goal_own_business": N_("Useful to run your own business"),
    "is_license": N_("A license issued by {issuer}"),
    "about_match": N_("Matches what you want: {terms}"),
    "includes_match": N_("Includes {part}, which matches what you want"),
    "state_licence": N_("The {region} license for your trade"),
    "local_licence": N_("In {region} cities or counties license this trade: how to find yours"),
    "next_step_after": N_("Next step after your {held}"),
    "first_step_to": N_("First step toward {target}"),
    "prerequisite_held": N_("You already hold the prerequisite {held}"),
    "builds_on": N_("Builds on your {held}"),
    "region_local": N_("Recognised in {region}"),
    "region_check": N_("Only recognised in {regions}: check it applies where you work"),
    "level_entry": N_("Entry level"),
    "online": N_("Online"),
    "exam_only": N_("Exam only"),
    "in_person": N_("In person"),
    "free": N_("Free"),
    "cheap": N_("Costs at most {currency} {max}"),
    "within_budget": N_("Within your budget ({currency} {min}-{max})"),
    "over_budget": N_("Costs from {currency} {min}, more than your budget"),
    "hours_long": N_("About {weeks} weeks at your pace"),
    "never_expires": N_("Never expires"),
    "renews_months": N_("Renew every {months} months"),
}
# Some sentences change with a number: (singular, plural) for gettext's plural forms.
PLURAL_TEXTS: dict[str, tuple[str, str]] = {
    "hours_short": Np_(
        "About {hours} hours: {n} week at your pace", "About {hours} hours: {n} weeks at your pace"
    ),
}
CREDENTIAL_PARAMS = ("held", "target", "part")
WHY_REASONS = 4  # the most telling first; more would not fit a card


def reason_line(t: Translator, reason: Reason, catalog: Catalog) -> str:
    """One reason as a sentence in the worker's language."""
    params: dict[str, object] = dict(reason.params)
    if "trade" in params:
        params["trade"] = trade_name(catalog, str(params["trade"]), t)
    for key in CREDENTIAL_PARAMS:
        if key in params and params[key] in catalog.credentials:
            params[key] = catalog.credentials[str(params[key])].name
    if "region" in params:
        params["region"] = place_name(str(params["region"]), t)
    if reason.code in PLURAL_TEXTS:
        singular, plural = PLURAL_TEXTS[reason.code]
        text = t.plural(singular, plural, int(params.pop("weeks", 0)))
    elif reason.code in REASON_TEXTS:
        text = t(REASON_TEXTS[reason.code])
    else:
        return reason.code.replace("_", " ")
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        # A reason without its data still says something true.
        return text.split("{", 1)[0].rstrip(" :(") or reason.code


def why_line(t: Translator, reasons: Iterable[Reason], catalog: Catalog) -> str:
    """The one-line "why" of a suggestion from its most telling reasons."""
    parts = [reason_line(t, r, catalog) for r in list(reasons)[:WHY_REASONS]]
    if not parts:
        return ""
    return "; ".join([parts[0], *(p[:1].lower() + p[1:] for p in parts[1:])])
