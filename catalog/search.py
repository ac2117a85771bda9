"""Free-text credential search: "epa 608", "osha ten", "forklift card", "licencia plomero"."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.matching import MAX_SEARCH_TOKENS, credential_fields
from catalog.model import Catalog
from catalog.schema import Credential
from catalog.text import tokens

MAX_LIMIT = 100
# Words that say what kind of thing is wanted, not which one: "forklift certification"
# is about forklifts whether or not a record calls itself a certification.
KIND_WORDS = frozenset(
    "cert certs certificate certification certified training course class classes license "
    "licence card ticket program exam test online certificacion certificado curso licencia "
    "tarjeta examen".split()
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    credential: Credential
    score: float  # 0..100

    @property
    def id(self) -> str:
        return self.credential.id


def matched_words(credential: Credential, text: str, *, catalog: Catalog) -> dict[str, list[str]]:
    """Which of the query's words a credential mentions, by field: for "why" lines."""
    vocabulary = catalog.index.vocabulary
    fields = {
        field: {w for t in texts for w in tokens(t)}
        for field, texts in credential_fields(credential, catalog.trades).items()
    }
    found: dict[str, list[str]] = {}
    for q in tokens(text, limit=MAX_SEARCH_TOKENS):
        meant = {q} | {w for w, _ in vocabulary.expand(q, prefix_from=3)}
        for field, words in fields.items():
            if meant & words:
                found.setdefault(field, []).append(q)
                break
    return found


def search(text: str, limit: int = 10, *, catalog: Catalog) -> list[SearchHit]:
    """Credentials matching free text, best first.

    Looks at names, aliases, ids, keywords, skills, issuers, trades and descriptions;
    typos are welcome ("refridgerant"), and the last word may be unfinished ("weldi").
    Deterministic: equal scores are ordered by id.
    """
    limit = max(0, min(limit, MAX_LIMIT))
    if not text or limit == 0:
        return []
    records = catalog.records
    hits = [SearchHit(records[hit.index], hit.score) for hit in catalog.index.search(text, limit)]
    return _whole_query_first(hits, text, catalog)


def _whole_query_first(hits: list[SearchHit], text: str, catalog: Catalog) -> list[SearchHit]:
    """When some credentials match every word asked for, drop those matching only some:
    "arc flash" is about arc-flash safety, not robotic *arc* welding."""
    asked = set(tokens(text, limit=MAX_SEARCH_TOKENS)) - KIND_WORDS
    if len(asked) < 2 or not hits:
        return hits
    covered = [
        {w for words in matched_words(h.credential, text, catalog=catalog).values() for w in words}
        for h in hits
    ]
    if not any(asked <= words for words in covered):
        return hits
    return [h for h, words in zip(hits, covered, strict=True) if asked <= words]


def suggest_credentials(prefix_text: str, limit: int = 6, *, catalog: Catalog) -> list[SearchHit]:
    """Search-as-you-type for credentials a worker already holds ("osha 3", "epa 6")."""
    return search(prefix_text, limit, catalog=catalog)
