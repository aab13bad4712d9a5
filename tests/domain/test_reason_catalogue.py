"""The disabled-reason catalogue against Rutter's published enum, and unknown reasons."""

from __future__ import annotations

from typing import Any

import pytest
from rutterctl.domain.reasons import (
    CATALOGUE,
    DISABLED_REASONS,
    DISCLAIMER,
    NEEDS_UPDATE,
    NULL_REASON,
    explain_disabled,
)
from rutterctl.render.reasons_view import label, reason_document, reauth_text

from tests.spec import spec


def spec_reasons() -> list[str]:
    """The `disabled_reason` enum of the published spec, in its order."""
    status = spec()["components"]["schemas"]["GetConnectionStatusResponse"]["properties"]["status"]
    enum: list[str] = status["properties"]["disabled_status"]["properties"]["disabled_reason"][
        "enum"
    ]
    return enum


SPEC_REASONS = spec_reasons()


def test_the_spec_enum_is_the_one_the_issue_describes() -> None:
    # Guards the extraction itself: a wrong path would make the drift test below vacuous.
    assert len(SPEC_REASONS) == 15
    assert "FAILED TO AUTHENTICATE" in SPEC_REASONS


def test_catalogue_names_every_spec_reason_exactly_as_spelled_and_in_order() -> None:
    assert [entry.reason for entry in DISABLED_REASONS] == SPEC_REASONS


def test_catalogue_is_every_reason_then_the_null_reason_then_needs_update() -> None:
    assert (*DISABLED_REASONS, NULL_REASON, NEEDS_UPDATE) == CATALOGUE
    assert (NULL_REASON.reason, NULL_REASON.kind) == (None, "disabled")
    assert (NEEDS_UPDATE.reason, NEEDS_UPDATE.kind) == ("NEEDS_UPDATE", "needs_update")
    assert all(entry.kind == "disabled" for entry in DISABLED_REASONS)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: str(e.reason))
def test_every_entry_says_what_it_means_who_acts_and_what_to_do(entry: Any) -> None:
    assert entry.meaning.strip()
    assert entry.action.strip()
    assert entry.actor in {"merchant", "your team", "Rutter support"}
    assert entry.reauth_helps in (True, False, None)
    if entry.reauth_helps:
        # Where re-authentication is the fix, the next step must say how: the link_url.
        assert "link_url" in entry.action


def test_needs_update_is_fixed_by_reauthentication_through_link_url() -> None:
    # Rutter's documented guidance: needs-update means re-authenticating fixes it.
    assert NEEDS_UPDATE.reauth_helps is True
    assert NEEDS_UPDATE.actor == "merchant"
    assert "link_url" in NEEDS_UPDATE.action


def test_reasons_that_need_more_than_reauthentication_say_so() -> None:
    by_name = {entry.reason: entry for entry in DISABLED_REASONS}
    for name in ("SHOP_PAYMENT_REQUIRED", "SHOP_IS_DISABLED_OR_EXPIRED", "SHOP_IS_LOCKED"):
        assert by_name[name].reauth_helps is False, name
    for name in ("FAILED TO AUTHENTICATE", "NEEDS_REAUTH", "SHOP_API_KEY_EXPIRED"):
        assert by_name[name].reauth_helps is True, name
    assert by_name["MANUALLY_DISABLED"].actor == "your team"


def test_disclaimer_says_the_explanations_are_this_projects_reading() -> None:
    assert "no explanation" in DISCLAIMER
    assert "rutterctl's own reading" in DISCLAIMER


@pytest.mark.parametrize("name", SPEC_REASONS)
def test_explain_finds_every_spec_reason(name: str) -> None:
    entry = explain_disabled(name)
    assert entry.reason == name
    assert "does not know" not in entry.meaning


def test_explain_null_reason() -> None:
    assert explain_disabled(None) is NULL_REASON
    assert "no reason" in NULL_REASON.meaning
    assert "Rutter support" in NULL_REASON.action


@pytest.mark.parametrize(
    "name", ["SHOP_ON_FIRE", "FAILED_TO_AUTHENTICATE", "failed to authenticate"]
)
def test_unknown_reason_is_itself_with_a_generic_next_step(name: str) -> None:
    # A near miss of a known spelling is not silently mapped onto it: shown exactly as sent.
    entry = explain_disabled(name)
    assert entry.reason == name
    assert entry.kind == "disabled"
    assert entry.reauth_helps is None
    assert "does not know" in entry.meaning
    assert "contact Rutter support" in entry.action
    assert entry.actor == "Rutter support"


def test_reason_document_shape() -> None:
    doc = reason_document(explain_disabled("FAILED TO AUTHENTICATE"))
    assert doc == {
        "reason": "FAILED TO AUTHENTICATE",
        "kind": "disabled",
        "meaning": doc["meaning"],
        "actor": "merchant",
        "action": "Send the merchant link_url to sign in again.",
        "reauth_helps": True,
    }
    assert doc["meaning"].startswith("The platform rejected the stored credentials")


def test_labels_and_reauth_texts() -> None:
    assert label(NULL_REASON) == "(no reason given)"
    assert label(NEEDS_UPDATE) == "NEEDS_UPDATE (needs-update state)"
    assert label(explain_disabled("FAILED TO AUTHENTICATE")) == "FAILED TO AUTHENTICATE"
    assert reauth_text(NEEDS_UPDATE) == "yes"
    assert reauth_text(explain_disabled("SHOP_PAYMENT_REQUIRED")) == "no, not on its own"
    assert reauth_text(NULL_REASON) == "unknown"
