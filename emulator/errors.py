"""Bot API errors as the emulator returns them, worded exactly like Telegram's.

Every failure of an emulated method raises :class:`ApiError`; the HTTP layer turns it into
Telegram's ``{"ok": false, "error_code": N, "description": "..."}`` body, so PTB raises the
same exception class (``BadRequest``, ``Forbidden``, ``RetryAfter``, ``Conflict``...) it would
raise against the real server.
"""

from __future__ import annotations

from typing import Any

# Telegram's exact descriptions, kept in one place so tests and handlers agree on them.
MESSAGE_TOO_LONG = "message is too long"
MESSAGE_TEXT_EMPTY = "message text is empty"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
REPLY_MARKUP_TOO_LONG = "reply markup is too long"
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_TO_REPLY_NOT_FOUND = "message to be replied not found"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
MESSAGE_CANT_BE_EDITED = "message can't be edited"
NO_TEXT_TO_EDIT = "there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "there is no caption in the message to edit"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "chat not found"
CHAT_ID_EMPTY = "chat_id is empty"
MESSAGE_ID_MISSING = "message identifier is not specified"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"
IMAGE_PROCESS_FAILED = "IMAGE_PROCESS_FAILED"
BOT_BLOCKED = "bot was blocked by the user"
CANT_INITIATE = "bot can't initiate conversation with a user"
GET_UPDATES_WITH_WEBHOOK = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
GET_UPDATES_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


class ApiError(Exception):
    """A Bot API failure: HTTP status, Telegram's description and optional response parameters."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body

    def __repr__(self) -> str:
        return f"ApiError({self.error_code}, {self.description!r})"


def bad_request(detail: str) -> ApiError:
    """400 "Bad Request: <detail>"."""
    return ApiError(400, f"Bad Request: {detail}")


def cant_parse_entities(detail: str) -> ApiError:
    """400 for unparsable HTML or Markdown; ``detail`` is tdlib's own sentence."""
    return bad_request(f"can't parse entities: {detail}")


def forbidden(detail: str) -> ApiError:
    """403 "Forbidden: <detail>"."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 with ``parameters.retry_after``, which PTB turns into ``RetryAfter``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def conflict(detail: str) -> ApiError:
    """409 "Conflict: <detail>"."""
    return ApiError(409, f"Conflict: {detail}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")


# What Telegram's front end answers when the Bot API behind it fails.
SERVER_ERRORS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
