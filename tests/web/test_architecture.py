"""One door to patient data: outside the door modules (each app's access.py and actions.py)
no module of the web app queries a patient-data model, and views write only through actions.

The check reads the source (no import), so a test below feeds it a view that takes a side
entrance and sees it fail.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "upperback" / "web"

# The models that hold a patient's data, and the names that reach them from a patient
# (`patient.appointments.all()`): `related_name`s of their `patient` field.
PATIENT_MODELS = {
    "AssessmentRecord",
    "AuditEvent",
    "Appointment",
    "CareEpisode",
    "CareEvent",
    "ConsultationOutcome",
    "EmailPreferences",
    "IntakeDraft",
    "LiveSession",
    "MediaUpload",
    "Message",
    "Override",
    "PlanPreferences",
    "ProgressEntry",
    "SentEmail",
    "Thread",
}
PATIENT_RELATIONS = {
    "appointments",
    "assessments",
    "care_episodes",
    "consultation_outcomes",
    "email_preferences",
    "intake_drafts",
    "live_sessions",
    "media_uploads",
    "plan_preferences",
    "progress",
    "sent_emails",
    "threads",
}
QUERY_METHODS = {
    "aggregate",
    "all",
    "count",
    "exclude",
    "exists",
    "filter",
    "first",
    "get",
    "in_bulk",
    "last",
    "latest",
    "order_by",
    "select_related",
    "values",
    "values_list",
}
DOOR_NAMES = {"access.py", "actions.py"}
# The audit log's own writer and verifier: the door writes through them (records/audit.py).
# The episode projection's writer (records/episodes.py): the actions call it inside their
# own transaction, and readers go through the door's `access_episode` and `access_queue`.
# The audit chain's anchor (records/audit_anchor.py) reads the chain's head to sign it.
DOOR_MODULES = {"records/audit.py", "records/audit_anchor.py", "records/episodes.py"}

# Modules that must read appointments without a person asking, each with its reason. A new
# entry here is a decision to write down, not a way to quiet the test.
NO_USER_TO_ASK = {
    "clinic/slots.py": "free times: reads only clinician and times of occupied slots",
    "clinic/tasks.py": "the reminder worker: no request, no user",
    "records/retriage.py": "`upperback retriage`: a clinic command over every patient",
    "care/tasks.py": "the weekly check-in reminder: no request, no user",
    "messaging/tasks.py": "the new-message notice and the reminder's preference check: no user",
    "ops/metrics.py": "Prometheus metrics: counts and durations of uploads, no record shown",
    "accounts/management/commands/load_demo.py": "seeds the demo accounts from the shell",
}

# The modules that render pages or answer the API: they write only through the actions.
VIEWS = [
    "api.py",
    "accounts/views.py",
    "clinic/views.py",
    "choosing/views.py",
    "choosing/templatetags/choosing.py",
    "clinic/views_staff.py",
    "media/views.py",
    "media/templatetags/camera_checks.py",
    "messaging/api.py",
    "messaging/views.py",
    "care/views.py",
    "records/wizard.py",
    "care/progress.py",
    "care/report.py",
    "records/presenting.py",
]


def patient_data_queries(source: str) -> list[str]:
    """Each query of a patient model in `source`, as `line: what` (empty when none)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        what = _query(node)
        if what:
            found.append((getattr(node, "lineno", 0), what))
    return [f"{line}: {what}" for line, what in sorted(found)]


def _query(node: ast.AST) -> str:
    """`Model.objects`, `patient.<relation>.<query>`, `get_object_or_404(...)`; else ""."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        managers = {"objects", "_default_manager"}
        if node.value.id in PATIENT_MODELS and node.attr in managers:
            return f"{node.value.id}.{node.attr}"
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
        relation = node.value.attr
        if relation in PATIENT_RELATIONS and node.attr in QUERY_METHODS:
            return f".{relation}.{node.attr}"
    if isinstance(node, ast.Call) and _name(node.func) in {"get_object_or_404", "get_list_or_404"}:
        return f"{_name(node.func)}(...)"
    return ""


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _web_modules() -> list[Path]:
    return sorted(
        path
        for path in WEB.rglob("*.py")
        if "migrations" not in path.parts
        and path.name not in DOOR_NAMES
        and str(path.relative_to(WEB)) not in DOOR_MODULES | NO_USER_TO_ASK.keys()
    )


@pytest.mark.parametrize("path", _web_modules(), ids=lambda p: str(p.relative_to(WEB)))
def test_no_module_queries_patient_data_outside_the_door(path: Path) -> None:
    assert patient_data_queries(path.read_text()) == [], "read through an access function"


@pytest.mark.parametrize("name", sorted(NO_USER_TO_ASK))
def test_every_exception_is_still_needed(name: str) -> None:
    assert patient_data_queries((WEB / name).read_text()) != [], "drop it from NO_USER_TO_ASK"


def test_every_app_is_checked() -> None:
    checked = {p.relative_to(WEB).parts[0] for p in _web_modules()}
    apps = {p.parent.name for p in WEB.glob("*/models.py")}
    assert apps == {"accounts", "choosing", "clinic", "media", "messaging", "ops", "records"}
    assert apps <= checked


def test_the_check_catches_a_view_that_queries_patient_data_directly() -> None:
    side_entrance = (
        "from django.shortcuts import get_object_or_404\n"
        "from upperback.web.clinic.models import Appointment\n"
        "from upperback.web.media.models import MediaUpload\n"
        "def calendar(request):\n"
        "    mine = Appointment.objects.filter(patient=request.user)\n"
        "    upload = get_object_or_404(MediaUpload, pk=1)\n"
        "    drafts = request.user.intake_drafts.all()\n"
        "    return mine, upload, drafts\n"
    )
    assert patient_data_queries(side_entrance) == [
        "5: Appointment.objects",
        "6: get_object_or_404(...)",
        "7: .intake_drafts.all",
    ]


def test_the_check_lets_a_view_through_the_door() -> None:
    thin = (
        "from upperback.web.clinic.access import access_own_appointments\n"
        "from upperback.web.clinic.models import Location\n"
        "def mine(request):\n"
        "    clinic = Location.objects.first()  # reference data, not a patient's\n"
        "    return access_own_appointments(request.user, purpose='clinic.appointments'), clinic\n"
    )
    assert patient_data_queries(thin) == []


def template_queries(text: str) -> list[str]:
    """`patient.appointments.all` and the like in a template: a read around the door."""
    relations = "|".join(sorted(PATIENT_RELATIONS))
    methods = "|".join(sorted(QUERY_METHODS))
    return re.findall(rf"\.(?:{relations})\.(?:{methods})\b", text)


@pytest.mark.parametrize("path", sorted(WEB.rglob("*.html")), ids=lambda p: str(p.relative_to(WEB)))
def test_no_template_reads_a_patients_data_around_the_door(path: Path) -> None:
    assert template_queries(path.read_text()) == [], "pass the rows from an access function"


def test_the_template_check_catches_a_related_manager() -> None:
    text = "{% for a in patient.appointments.all %}{{ a }}{% endfor %}{{ upload.progress }}"
    assert template_queries(text) == [".appointments.all"]


def _private_engine_imports(source: str) -> list[str]:
    """Imports of a module inside upperback.clinical or upperback.vision (not the package)."""
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
    return sorted(
        name
        for name in imported
        if name.split(".")[:2] in (["upperback", "clinical"], ["upperback", "vision"])
        and len(name.split(".")) > 2
    )


@pytest.mark.parametrize("path", sorted(WEB.rglob("*.py")), ids=lambda p: str(p.relative_to(WEB)))
def test_the_web_imports_only_the_public_apis_of_clinical_and_vision(path: Path) -> None:
    # import-linter says the same for the modules it lists; this also covers new ones.
    assert _private_engine_imports(path.read_text()) == [], "import from the package's __all__"


def test_the_import_check_catches_a_private_module() -> None:
    source = (
        "from upperback.clinical import assess\n"
        "from upperback.clinical.partial import anything\n"
        "import upperback.vision.photo\n"
    )
    assert _private_engine_imports(source) == [
        "upperback.clinical.partial",
        "upperback.vision.photo",
    ]


def _attributes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("name", VIEWS)
def test_views_write_only_through_the_actions(name: str) -> None:
    used = _attributes(WEB / name)
    assert not used & {"save", "delete", "create", "bulk_create", "update"}, "write via actions"
