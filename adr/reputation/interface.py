"""What every reputation provider provides, and what it returns.

One module per provider beside this one (urlhaus, safebrowsing, virustotal, malwarebazaar, osv,
registry), each exposing a `Provider` subclass. A provider answers for the subject kinds it
lists; it raises ProviderError (or RateLimited) when it cannot answer, and lookup.py turns that
into an "unknown" result — a provider can never make a decision hang or turn into "malicious"
by failing.

Privacy: a Subject only ever carries a hash, a package name (+ version), a URL with its query
string and fragment removed, or a host name.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

import requests


class Rating(str, enum.Enum):
    MALICIOUS = "malicious"
    SUSPICIOUS = "suspicious"
    CLEAN = "clean"
    UNKNOWN = "unknown"


class SubjectKind(str, enum.Enum):
    URL = "url"
    HOST = "host"
    HASH = "hash"  # sha256 hex
    PACKAGE = "package"


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    value: str  # url (no query) | host | sha256 | package name
    ecosystem: str = ""  # package: pypi | npm | cargo | gem | go
    version: str = ""  # package: an exact version when pinned

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.ecosystem}:{self.value}:{self.version}"

    @classmethod
    def url(cls, url: str) -> "Subject":
        return cls(SubjectKind.URL, strip_url(url))

    @classmethod
    def host(cls, host: str) -> "Subject":
        return cls(SubjectKind.HOST, host.strip().lower().rstrip("."))

    @classmethod
    def sha256(cls, digest: str) -> "Subject":
        return cls(SubjectKind.HASH, digest.strip().lower())

    @classmethod
    def package(cls, ecosystem: str, name: str, version: str = "") -> "Subject":
        return cls(SubjectKind.PACKAGE, name.strip(), ecosystem, version.strip())


def strip_url(url: str) -> str:
    """Drop the query string, fragment and any user:password@ — they may carry secrets."""
    try:
        p = urlsplit(url.strip())
    except ValueError:
        return ""
    host = p.hostname or ""
    netloc = host + (f":{p.port}" if p.port else "") if host else p.netloc.rsplit("@", 1)[-1]
    return urlunsplit((p.scheme.lower(), netloc.lower(), p.path or "/", "", ""))


@dataclass(frozen=True)
class Result:
    provider: str
    subject: Subject
    rating: Rating
    detail: str = ""
    ttl: float = 0.0  # seconds the answer may be cached (0: provider default by rating)
    references: tuple[str, ...] = ()
    cached: bool = False

    @property
    def verdict(self) -> str:
        return self.rating.value


class ProviderError(Exception):
    """The provider could not answer (network, HTTP error, malformed reply)."""


class RateLimited(ProviderError):
    def __init__(self, message: str, retry_after: float = 60.0):
        super().__init__(message)
        self.retry_after = retry_after


class MissingKey(ProviderError):
    pass


@dataclass
class Provider:
    """Base class. Subclasses set `name`, `kinds`, `default_base_url` and implement `_lookup`."""

    name: ClassVar[str] = ""
    kinds: ClassVar[frozenset[SubjectKind]] = frozenset()
    needs_key: ClassVar[bool] = False
    default_base_url: ClassVar[str] = ""

    base_url: str = ""
    api_key: str = ""
    connect_timeout: float = 0.3
    read_timeout: float = 1.0
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def __post_init__(self) -> None:
        self.base_url = (self.base_url or self.default_base_url).rstrip("/")
        self.session.headers.setdefault("User-Agent", "adr-reputation/0.1")

    def supports(self, subject: Subject) -> bool:
        return subject.kind in self.kinds

    def lookup(self, subject: Subject, timeout: float | None = None) -> Result:
        if self.needs_key and not self.api_key:
            raise MissingKey(f"{self.name}: no API key (adr reputation set-key {self.name})")
        return self._lookup(subject, timeout if timeout is not None else self.read_timeout)

    def _lookup(self, subject: Subject, timeout: float) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError

    # helpers -----------------------------------------------------------------------------
    def _request(self, method: str, url: str, timeout: float, allow_redirects: bool = False, **kw) -> requests.Response:
        try:
            r = self.session.request(method, url, timeout=(self.connect_timeout, max(0.05, timeout)),
                                     allow_redirects=allow_redirects, **kw)
        except requests.RequestException as e:
            raise ProviderError(f"{self.name}: {type(e).__name__}") from None
        if r.status_code == 429:
            ra = r.headers.get("Retry-After", "")
            raise RateLimited(f"{self.name}: rate limited (HTTP 429)", float(ra) if ra.isdigit() else 60.0)
        return r

    def _json(self, r: requests.Response) -> dict:
        try:
            data = r.json()
        except ValueError:
            raise ProviderError(f"{self.name}: HTTP {r.status_code}, not JSON") from None
        if not isinstance(data, dict):
            raise ProviderError(f"{self.name}: unexpected reply shape")
        return data

    def result(self, subject: Subject, rating: Rating, detail: str = "", ttl: float = 0.0,
               references: tuple[str, ...] = ()) -> Result:
        return Result(self.name, subject, rating, detail, ttl, references)
