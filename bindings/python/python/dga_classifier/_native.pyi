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
    @property
    def versus_typical(self) -> float:
        """The coefficient times (``value`` - the typical legitimate label's value): near 0 for a
        typical legitimate name, positive where the label is more machine-like than one."""

@final
class Classification:
    """A name's answer: which label was picked and why, the verdict and every term, or why the
    name was not scored."""

    @property
    def label(self) -> str:
        """The label picked, lowercased."""
    @property
    def suffix(self) -> str:
        """What stands right of it (``co.uk``); empty for a single label."""
    @property
    def suffix_kind(self) -> str:
        """``icann``, ``private-user-named``, ``private-provider-named``, ``is-public-suffix`` or ``single-label``."""
    @property
    def reason(self) -> str:
        """Why that label was scored, or why the name was not, in a sentence."""
    @property
    def verdict(self) -> str:
        """``legitimate`` or ``malicious`` at the model's default threshold, or ``unscored``."""
    @property
    def unscored(self) -> Optional[str]:
        """Why the name was not scored: ``ip-address``, ``reverse-lookup``, ``special-use``,
        ``private-top-level``, ``internationalised`` or ``not-a-host-name``; None when it was."""
    @property
    def p_malicious(self) -> Optional[float]:
        """Probability that the label was machine-generated; None when not scored."""
    @property
    def p_legitimate(self) -> Optional[float]:
        """Probability that it was not, computed apart so it keeps its precision near 0."""
    @property
    def log_odds(self) -> Optional[float]:
        """``intercept`` plus every term's contribution, left to right; None when not scored."""
    @property
    def intercept(self) -> Optional[float]:
        """The model's intercept; None when not scored."""
    @property
    def typical_log_odds(self) -> Optional[float]:
        """A typical legitimate label's log-odds: with every term's ``versus_typical`` it sums to
        ``log_odds``; None when not scored."""
    @property
    def flagged_at_false_positive_rate(self) -> Optional[float]:
        """How unusual the name is among legitimate names: the share of legitimate validation
        names scoring at least as high, the false-positive rate at which it would be flagged;
        None when not scored."""
    @property
    def terms(self) -> List[Term]:
        """The model's terms, in its order; empty when not scored."""
    def verdict_at(self, fpr: float) -> str:
        """The verdict at the model's operating point for ``fpr`` (``unscored`` stays so);
        ValueError if it has none."""

def classify(host: str) -> Classification:
    """Answers for one name: its score, or why it is not scored (an IP address, a reverse
    look-up, a local name...); raises ``DomainError`` for what is not a name at all."""

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
