"""Types of the extension module; the package re-exports what users call."""

from typing import Any, Dict, List, Optional, Tuple, final

import numpy as np

__all__ = [
    "Classification",
    "Hunter",
    "Term",
    "classify",
    "classify_objects",
    "classify_utf8",
    "features",
    "hunt_model",
    "model",
]

@final
class Term:
    """One term of a score."""

    @property
    def feature(self) -> str:
        """The feature's name, as model files spell it (``ngram_bits``)."""
    @property
    def value(self) -> float:
        """Its value for the scored label."""
    @property
    def contribution(self) -> float:
        """The model's coefficient times ``value``: its share of the log-odds."""

@final
class Classification:
    """A host name's score: which label was scored and why, the verdict and every term."""

    @property
    def label(self) -> str:
        """The label scored, lowercased."""
    @property
    def suffix(self) -> str:
        """What stands right of it (``co.uk``); empty for a single label."""
    @property
    def suffix_kind(self) -> str:
        """``icann``, ``private-user-named``, ``private-provider-named``, ``is-public-suffix`` or ``single-label``."""
    @property
    def reason(self) -> str:
        """Why that label was scored, in a sentence."""
    @property
    def verdict(self) -> str:
        """``legitimate`` or ``malicious``, at the model's default threshold."""
    @property
    def p_malicious(self) -> float:
        """Probability that the label was machine-generated."""
    @property
    def p_legitimate(self) -> float:
        """Probability that it was not, computed apart so it keeps its precision near 0."""
    @property
    def log_odds(self) -> float:
        """``intercept`` plus every term's contribution, left to right."""
    @property
    def intercept(self) -> float:
        """The model's intercept."""
    @property
    def terms(self) -> List[Term]:
        """The model's terms, in its order."""
    def verdict_at(self, fpr: float) -> str:
        """The verdict at the model's operating point for ``fpr``; ValueError if it has none."""

def classify(host: str) -> Classification:
    """Scores one host name; raises ``DomainError`` for what is not one."""

def features(label: str) -> Dict[str, float]:
    """Every feature of one label (no suffix is taken off), by name."""

def model() -> Dict[str, Any]: ...
def classify_utf8(
    data: bytes, offsets: np.ndarray, valid: np.ndarray, fpr: Optional[float] = None
) -> Dict[str, np.ndarray]: ...
def classify_objects(names: Any, fpr: Optional[float] = None) -> Dict[str, np.ndarray]: ...
def hunt_model() -> Dict[str, Any]: ...

@final
class Hunter:
    """The per-client detector: DNS events in log order, alerts out as dicts."""

    def __new__(
        cls, window_seconds: Optional[int] = None, false_alarms: Optional[float] = None, clients: int = 65536
    ) -> "Hunter": ...
    def observe(
        self,
        times: List[Optional[int]],
        clients: List[Optional[str]],
        queries: List[Optional[str]],
        rcodes: List[Optional[str]],
        first_row: int = 0,
    ) -> Tuple[List[Dict[str, Any]], List[Tuple[int, str]]]: ...
    def clients(self) -> List[Dict[str, Any]]: ...
