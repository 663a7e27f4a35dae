"""The interface's own strings in English, Arabic and Persian (messages/<lang>.json).

A catalogue is a flat JSON object: key → text, with `{name}` placeholders. English is complete by
definition; another language lacking a key falls back to English (a test keeps them complete).
The language comes from `?lang=`, else the `rasad_lang` cookie, else English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources as importlib_resources

LANGUAGES = ("en", "ar", "fa")
DEFAULT = "en"
RTL = frozenset({"ar", "fa"})
COOKIE = "rasad_lang"
# what each language is called in itself, for the switcher
NATIVE_NAMES = {"en": "English", "ar": "العربية", "fa": "فارسی"}


class CatalogueError(ValueError):
    """A message catalogue is missing or malformed."""


def load_catalogues() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    base = importlib_resources.files("rasad.serve") / "messages"
    for lang in LANGUAGES:
        try:
            data = json.loads((base / f"{lang}.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise CatalogueError(f"messages/{lang}.json: {e}") from None
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise CatalogueError(f"messages/{lang}.json: must be an object of strings")
        out[lang] = data
    return out


def choose(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


@dataclass(frozen=True, slots=True)
class Translator:
    lang: str
    messages: Mapping[str, str]
    fallback: Mapping[str, str]

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RTL else "ltr"

    def has(self, key: str) -> bool:
        return key in self.messages or key in self.fallback

    def __call__(self, key: str, /, **values: object) -> str:
        text = self.messages.get(key) or self.fallback.get(key) or key
        if values:
            try:
                return text.format(**values)
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def get(self, key: str, default: str) -> str:
        """The message for `key` if the catalogue has one, else `default` (codes without a translation)."""
        return self.messages.get(key) or self.fallback.get(key) or default


def translator(catalogues: Mapping[str, Mapping[str, str]], lang: str) -> Translator:
    return Translator(lang, catalogues.get(lang, {}), catalogues[DEFAULT])
