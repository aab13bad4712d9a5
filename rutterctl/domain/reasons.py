"""The catalogue of disabled reasons: this project's reading of Rutter's reason names.

Rutter publishes the names (the `disabled_reason` enum) but no per-reason explanation, so
every entry here is rutterctl's interpretation of the name plus Rutter's general guidance:
needs-update is fixed by re-authenticating through `link_url`; disabled usually needs the
merchant to do more than re-authenticate, and Rutter's error says to contact Rutter support.
"""

from __future__ import annotations

from dataclasses import dataclass

DISCLAIMER = (
    "Rutter publishes the reason names but no explanation of them; the meanings and next "
    "steps shown are rutterctl's own reading of each name and of Rutter's general guidance."
)

MERCHANT = "merchant"
YOUR_TEAM = "your team"
RUTTER = "Rutter support"


@dataclass(frozen=True)
class Reason:
    """What a disabled reason (or needs-update) means, who acts, and what to do."""

    reason: str | None  # the exact `disabled_reason` value; None = disabled with no reason
    kind: str  # "disabled" or "needs_update"
    meaning: str
    actor: str
    action: str
    reauth_helps: bool | None  # None: not known


def _d(reason: str | None, meaning: str, actor: str, action: str, reauth: bool | None) -> Reason:
    return Reason(reason, "disabled", meaning, actor, action, reauth)


NEEDS_UPDATE = Reason(
    reason="NEEDS_UPDATE",
    kind="needs_update",
    meaning="Not a disabled reason but the needs-update state: the merchant uninstalled the "
    "app or its authorisation lapsed, and syncing is paused.",
    actor=MERCHANT,
    action="Send the merchant the connection's link_url; reconnecting resumes syncing "
    "(CONNECTION_UPDATED).",
    reauth_helps=True,
)

# The 15 values of the published enum, spelled exactly as Rutter spells them.
DISABLED_REASONS: tuple[Reason, ...] = (
    _d(
        "SHOP_API_KEY_EXPIRED",
        "The API key or token the merchant granted has expired.",
        MERCHANT,
        "Send the merchant link_url to reconnect and grant a fresh key.",
        True,
    ),
    _d(
        "SHOP_NOT_FOUND",
        "The platform no longer knows the store: deleted, or its address changed.",
        MERCHANT,
        "Ask the merchant whether the store still exists and "
        "under which address; connect the right store again.",
        False,
    ),
    _d(
        "SHOP_ID_IS_INVALID",
        "The store identifier Rutter holds is not valid on the "
        "platform, often a mistyped shop domain or id at connect time.",
        MERCHANT,
        "Have the merchant reconnect through link_url with the correct store identifier.",
        True,
    ),
    _d(
        "SHOP_IS_DISABLED_OR_EXPIRED",
        "The store is closed, disabled, or its platform subscription has expired.",
        MERCHANT,
        "The merchant must reactivate the store or its "
        "plan on the platform, then reconnect through link_url.",
        False,
    ),
    _d(
        "SHOP_IS_LOCKED",
        "The platform has locked the store (for example for unpaid bills or a review).",
        MERCHANT,
        "The merchant must resolve the lock with the platform, then reconnect through link_url.",
        False,
    ),
    _d(
        "SHOP_PAYMENT_REQUIRED",
        "The store's platform plan is unpaid.",
        MERCHANT,
        "The merchant must pay or renew the platform plan, then reconnect through link_url.",
        False,
    ),
    _d(
        "TUNNEL_ERROR",
        "Rutter could not reach a self-hosted or desktop system through its tunnel or connector.",
        MERCHANT,
        "The merchant (or their IT) must make the server or "
        "connector reachable again; contact Rutter support if it persists.",
        False,
    ),
    _d(
        "WEB_SERVICE_IS_DISABLED",
        "API / web-service access is switched off in the store's admin.",
        MERCHANT,
        "The merchant must re-enable API access in the store's admin, then "
        "reconnect through link_url.",
        False,
    ),
    _d(
        "SHOP_IS_UNAVAILABLE",
        "The store did not answer: down, in maintenance, or password-protected.",
        MERCHANT,
        "Ask the merchant to check the store is online; "
        "contact Rutter support to re-enable once it is.",
        False,
    ),
    _d(
        "CERT_EXPIRED",
        "The store's TLS certificate has expired, so Rutter will not connect to it.",
        MERCHANT,
        "The merchant (or their host) must renew the certificate; "
        "then contact Rutter support or reconnect.",
        False,
    ),
    _d(
        "FAILED TO AUTHENTICATE",
        "The platform rejected the stored credentials: password changed or access revoked.",
        MERCHANT,
        "Send the merchant link_url to sign in again.",
        True,
    ),
    _d(
        "NEEDS_REAUTH",
        "The connection must be re-authorised by the merchant.",
        MERCHANT,
        "Send the merchant link_url to re-authorise.",
        True,
    ),
    _d(
        "REQUEST_TIMEOUT",
        "The platform kept timing out on Rutter's requests.",
        RUTTER,
        "Check the store is responsive, then contact Rutter support with the connection id "
        "to re-enable syncing.",
        False,
    ),
    _d(
        "MANUALLY_DISABLED",
        "Someone disabled the connection on purpose: your organisation or Rutter.",
        YOUR_TEAM,
        "Find out who disabled it and why before anything else; "
        "contact Rutter support if it was not your team.",
        False,
    ),
    _d(
        "UNKNOWN",
        "Rutter disabled the connection without classifying the cause.",
        RUTTER,
        "Contact Rutter support with the connection id and a request id.",
        None,
    ),
)

NULL_REASON = _d(
    None,
    "The connection is disabled and Rutter gave no reason.",
    RUTTER,
    "Contact Rutter support with the connection id and a request id.",
    None,
)

CATALOGUE: tuple[Reason, ...] = (*DISABLED_REASONS, NULL_REASON, NEEDS_UPDATE)
_BY_NAME = {entry.reason: entry for entry in DISABLED_REASONS}


def explain_disabled(reason: str | None) -> Reason:
    """The entry for a reason; a value Rutter adds later is shown as itself, never an error."""
    if reason is None:
        return NULL_REASON
    known = _BY_NAME.get(reason)
    if known is not None:
        return known
    return _d(
        reason,
        "A reason this version of rutterctl does not know (Rutter may have added it).",
        RUTTER,
        "Check Rutter's documentation for this reason, or contact Rutter support with the "
        "connection id.",
        None,
    )


def as_clause(text: str) -> str:
    """A sentence as the clause after "; " in `error: what; what to do`: no capital (unless
    it is a name, such as Rutter), no final full stop."""
    text = text.rstrip(".")
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first != "Rutter":
        text = text[0].lower() + text[1:]
    return text


def with_link(text: str, link_url: str | None) -> str:
    """A next step naming link_url, with the real URL in its place when Rutter gave one."""
    if not link_url:
        return text
    return text.replace("the connection's link_url", link_url).replace("link_url", link_url)
