"""Reasons cite readable sources: a short label and a number pointing into a "Sources" list of
full references at the end of the page, never a raw knowledge-base key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from upperback.clinical import citation
from upperback.clinical.contract import Intake
from upperback.web.records import actions
from upperback.web.records.demo_intakes import CANCER_HISTORY, DESK_WORKER

RAW_KEY = re.compile(r"\((?:dahm2010|nice_ng59|acp2017|lancet2018|downie2013|nhs_back_pathway)\)")


def _record(patient: Any, intake: dict[str, Any]) -> Any:
    return actions.record_assessment(patient=patient, intake=Intake.model_validate(intake))


def _sources_list(html: str) -> dict[str, str]:
    """number -> the text of the "Sources" list item with that number."""
    section = html.split('id="sources"', 1)[1]
    return dict(re.findall(r'<li id="source-(\d+)" value="\1">(.*?)</li>', section))


def test_every_citation_has_a_short_label_for_patients() -> None:
    assert citation("dahm2010", short=True) == "Dahm et al., Cochrane review 2010"
    assert "Cochrane Database Syst Rev" in citation("dahm2010")


@pytest.mark.parametrize("who", ["patient", "clinician"])
def test_plan_evidence_shows_a_short_label_and_a_numbered_full_reference(
    who: str, alice: Any, alice_client: Client, bob_client: Client
) -> None:
    record = _record(alice, DESK_WORKER)
    client, url = (
        (alice_client, f"/assessments/{record.pk}/")
        if who == "patient"
        else (bob_client, f"/clinic/assessments/{record.pk}/")
    )
    html = client.get(url).content.decode()
    assert not RAW_KEY.search(html)
    listed = _sources_list(html)
    # Every cite points at a numbered entry that holds the full reference of its label.
    cites = re.findall(r'href="#source-(\d+)">([^&<]+)&nbsp;<sup>\[(\d+)\]', html)
    assert cites, "no citation on the page"
    for target, _label, number in cites:
        assert target == number and number in listed
    assert "Dahm et al., Cochrane review 2010" in html
    assert citation("dahm2010") in listed["1"]  # the plan's first step cites Dahm 2010
    assert len(listed) == len(set(listed.values())), "each reference is listed once"


def test_red_flag_reasons_show_their_sources_too(alice: Any, bob_client: Client) -> None:
    record = _record(alice, CANCER_HISTORY)
    html = bob_client.get(f"/clinic/assessments/{record.pk}/").content.decode()
    reasons = html.split('id="reasons"', 1)[1].split("</ul>", 1)[0]
    assert "Downie et al., BMJ 2013" in reasons
    assert "NHS spinal pathway, 2017" in reasons
    assert not RAW_KEY.search(html)
    listed = _sources_list(html)
    assert citation("downie2013") in listed.values()
    assert citation("nhs_back_pathway") in listed.values()


def test_an_urgent_result_shows_the_patient_her_reasons_with_sources(
    alice: Any, alice_client: Client
) -> None:
    record = _record(alice, CANCER_HISTORY)
    html = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    reasons = html.split('id="reasons"', 1)[1].split("</ul>", 1)[0]
    # Source 1 is the NHS pathway behind "not every warning-sign question was answered".
    assert 'href="#source-1">NHS spinal pathway, 2017' in reasons
    assert 'href="#source-2">Downie et al., BMJ 2013' in reasons
    assert not RAW_KEY.search(html)


@pytest.mark.parametrize(
    ("language", "lead", "engine_rest"),
    [
        ("en", "This is not a diagnosis.", "call the emergency number"),
        ("es", "Esto no es un diagnóstico.", "llame al número de emergencias"),
    ],
)
def test_the_disclaimer_says_not_a_diagnosis_once(
    language: str, lead: str, engine_rest: str, alice: Any, alice_client: Client
) -> None:
    record = _record(alice, DESK_WORKER)
    alice_client.post("/accounts/language/", {"language": language, "next": "/"})
    html = alice_client.get(f"/assessments/{record.pk}/").content.decode()
    notice = html.split('class="notice"', 1)[1].split("</p>", 1)[0]
    assert notice.count(lead) == 1
    assert engine_rest in notice  # the rest of the engine's disclaimer is still said
