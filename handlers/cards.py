"""How a credential looks on a phone: a short card, and the details behind it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.i18n import N_, Translator
from catalog import Catalog, Reason
from catalog.schema import Credential
from handlers.chat import PHONE_SCREEN, escape, shorten
from handlers.reasons import why_line

# Three cards and their header fit in 1,200 characters: a phone screen and a half.
NAME_CHARS = 90
ISSUER_CHARS = 55
DESCRIPTION_CHARS = 110
WHY_CHARS = 110
# Credential types as a worker reads them (the catalog keeps CTDL's class names).
TYPE_LABELS = {
    "Badge": N_("Badge"),
    "DigitalBadge": N_("Digital badge"),
    "OpenBadge": N_("Open badge"),
    "Certificate": N_("Certificate"),
    "CertificateOfCompletion": N_("Certificate of completion"),
    "Certification": N_("Certification"),
    "License": N_("License"),
    "MicroCredential": N_("Micro-credential"),
    "ApprenticeshipCertificate": N_("Apprenticeship certificate"),
    "JourneymanCertificate": N_("Journeyman certificate"),
    "MasterCertificate": N_("Master certificate"),
}
DELIVERY_LABELS = {
    "online": N_("online"),
    "in_person": N_("in person"),
    "blended": N_("blended"),
    "exam_only": N_("exam only"),
}


def _span(span: Any, unit: str = "") -> str | None:
    if span is None:
        return None
    low, high = span.min, span.max
    if low is not None and high is not None and low != high:
        return f"{unit}{low:,.0f}–{unit}{high:,.0f}"
    value = low if low is not None else high
    return f"{unit}{value:,.0f}"


def hours_text(t: Translator, credential: Credential) -> str | None:
    value = _span(credential.hours)
    return t("{hours} h", hours=value) if value else None


def cost_text(credential: Credential) -> str | None:
    if credential.cost is None:
        return None
    unit = "$" if credential.cost.currency in ("USD", "CAD") else ""
    value = _span(credential.cost, unit)
    if credential.cost.max == 0:
        return "$0"
    return (
        value
        if unit and credential.cost.currency == "USD"
        else (f"{value} {credential.cost.currency}")
    )


def delivery_text(t: Translator, credential: Credential) -> str:
    return ", ".join(t(DELIVERY_LABELS[d]) for d in credential.delivery)


def renewal_text(t: Translator, credential: Credential) -> str:
    renewal = credential.renewal
    if renewal is None:
        return t("renewal: check with the issuer")
    if not renewal.expires:
        return t("never expires")
    if renewal.months:
        text = t("renew every {months} months", months=renewal.months)
        if renewal.ce_hours:
            text += " " + t("({hours} CE hours)", hours=f"{renewal.ce_hours:g}")
        return text
    return t("expires: check with the issuer")


# Facts the card already shows on its own line; repeating them in the "why" wastes a line.
ON_THE_CARD = frozenset({"online", "in_person", "exam_only", "never_expires", "renews_months"})


def reasons_text(t: Translator, reasons: Iterable[Reason], catalog: Catalog) -> str:
    """The catalog's "why" for a card, without what the card already shows."""
    local = [r for r in reasons if r.code not in ON_THE_CARD]
    # "Fits your trade" is true of nearly every card: say it only when nothing else is.
    telling = [r for r in local if r.code != "trade_fit"]
    return why_line(t, telling or local, catalog)


def description(t: Translator, credential: Credential) -> str:
    """What the credential is, in the worker's language when the catalog has it."""
    if t.language == "es" and credential.description_es:
        return credential.description_es
    return credential.description


def card(t: Translator, credential: Credential, why: str, number: int | None = None) -> str:
    """Name, issuer, hours, cost, online or not, renewal, what it is, and why for you."""
    facts = [
        hours_text(t, credential),
        cost_text(credential),
        delivery_text(t, credential),
        renewal_text(t, credential),
    ]
    head = f"{number}. " if number else ""
    lines = [
        f"<b>{head}{escape(shorten(credential.name, NAME_CHARS))}</b>",
        f"<i>{escape(shorten(credential.issuer, ISSUER_CHARS))}</i>",
        escape(" · ".join(f for f in facts if f)),
        escape(shorten(description(t, credential), DESCRIPTION_CHARS)),
    ]
    if why:
        lines.append("👉 " + escape(shorten(why, WHY_CHARS)))
    return "\n".join(lines)


def details(t: Translator, credential: Credential, catalog: Catalog) -> str:
    """Everything the catalog knows, trimmed to one phone screen."""
    unknown = t("not confirmed")
    lines = [
        f"<b>{escape(credential.name)}</b>",
        f"<i>{escape(credential.issuer)}</i> · {escape(t(TYPE_LABELS[credential.type]))}",
        escape(shorten(description(t, credential), 200)),
        "",
        t("How: {delivery}", delivery=escape(delivery_text(t, credential))),
        t("Hours: {hours}", hours=escape(_span(credential.hours) or unknown)),
        t("Cost: {cost}", cost=escape(cost_text(credential) or unknown)),
        t("Renewal: {renewal}", renewal=escape(renewal_text(t, credential))),
        t("Recognised in: {regions}", regions=escape(", ".join(credential.recognition))),
    ]
    if credential.prerequisites:
        names = [
            catalog.credentials[p].name if p in catalog.credentials else p
            for p in credential.prerequisites
        ]
        lines.append(t("Before: {items}", items=escape(shorten(", ".join(names), 120))))
    if credential.accreditation:
        lines.append(t("Accredited: {items}", items=escape(", ".join(credential.accreditation))))
    nexts = [catalog.credentials[i].name for i in credential.leads_to if i in catalog.credentials]
    if nexts:
        lines.append(t("Leads to: {items}", items=escape(shorten(", ".join(nexts), 120))))
    lines.append(t("Last reviewed: {date}", date=credential.last_reviewed.isoformat()))
    text = "\n".join(lines)
    return text if len(text) <= PHONE_SCREEN else shorten_html_safe(lines)


def shorten_html_safe(lines: list[str]) -> str:
    """Drop optional lines from the end (never cut inside a tag) until it fits."""
    while len("\n".join(lines)) > PHONE_SCREEN and len(lines) > 4:
        lines.pop(-2)
    return "\n".join(lines)
