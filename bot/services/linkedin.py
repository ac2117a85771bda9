"""LinkedIn's add-to-profile link for a certification: one tap on the phone fills in the
worker's profile (name, issuer, dates, and the verification page where there is one)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
# The Bot API documents no length for a URL button; we keep to 2,048 characters, the
# length every browser and Telegram client we know of opens, by shortening the name.
MAX_URL = 2048
MAX_NAME = 200


def add_to_profile_url(
    name: str,
    organization: str,
    issued: date | None,
    expires: date | None = None,
    cert_url: str | None = None,
    cert_id: str | None = None,
) -> str:
    """``https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…``.

    Fields LinkedIn does not need are left out when unknown rather than guessed.
    """
    name = " ".join(name.split())[:MAX_NAME]
    fields: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": " ".join(organization.split())[:MAX_NAME],
    }
    if issued is not None:
        fields.update(issueYear=issued.year, issueMonth=issued.month)
    if expires is not None:
        fields.update(expirationYear=expires.year, expirationMonth=expires.month)
    if cert_url:
        fields["certUrl"] = cert_url
    if cert_id:
        fields["certId"] = cert_id
    url = f"{ADD_TO_PROFILE}?{urlencode(fields)}"
    if len(url) > MAX_URL:  # a very long issuer or page: drop the page link first
        fields.pop("certUrl", None)
        url = f"{ADD_TO_PROFILE}?{urlencode(fields)}"
    return url
