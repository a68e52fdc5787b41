"""`upperback retriage`: the current engine over every patient's latest intake.

After a knowledge-base update, an assessment made under the old rules may be wrong today (a
new red flag, a changed threshold). This re-runs the engine over each patient's latest intake
made under another version, records the answer as a new assessment linked to the old one,
and marks every raise so the clinician queue puts it at the top with its reason.

Safe to run twice: an assessment already made under the current version is not re-run, and
an assessment can be re-run once (`retriaged_from` is unique). Safe while the app runs: the
work is done in short batches, and a batch re-checks, inside its transaction, that each old
assessment is still its patient's latest (a patient who answered again meanwhile keeps her
new answer).

The engine runs in worker processes (one per core): it is pure Python and CPU-bound, while
the database writes stay in this process. This module reads without a person asking (it is a
clinic command, not a view): see NO_USER_TO_ASK in tests/web/test_architecture.py.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from django.db.models import TextField
from django.db.models.functions import Cast

from upperback.clinical import TRIAGE_ORDER, knowledge_base_version

from . import actions
from .models import AssessmentRecord, Override
from .retriage_worker import ReRun, assess_batch

# A batch is one transaction of writes: small enough that the app's own writes (a patient
# saving a wizard step on SQLite) wait at most a fraction of a second behind it.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Change:
    """One patient whose triage changed under the new rules."""

    patient_email: str
    old_record_id: int
    new_record_id: int | None
    old_triage: str
    new_triage: str
    raised: bool
    reason: str


@dataclass
class Report:
    """What a run did: how many assessments it saw, re-ran, and which triages changed."""

    knowledge_base: str
    latest: int = 0
    rerun: int = 0
    skipped_answered_again: int = 0
    changes: list[Change] = field(default_factory=list)
    # (patient email, record id, the engine's message): intakes the new rules could not read
    failed: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def raises(self) -> list[Change]:
        return [change for change in self.changes if change.raised]


def stale_latest(version: str) -> list[tuple[int, int]]:
    """(record id, patient id) of each patient's latest assessment made under another version.

    One pass over the ids (no intake loaded): cheap for 100,000 patients, and it finds the
    latest per patient the same way the queue does (newest `created_at`, then the higher id)."""
    latest: dict[int, tuple[int, str]] = {}
    rows = AssessmentRecord.objects.order_by("patient_id", "-created_at", "-pk").values_list(
        "pk", "patient_id", "knowledge_base"
    )
    for pk, patient_id, kb in rows.iterator(chunk_size=5000):
        latest.setdefault(patient_id, (pk, kb))
    return [(pk, patient) for patient, (pk, kb) in latest.items() if kb != version]


def _batches(items: Sequence[tuple[int, int]], size: int) -> Iterator[list[tuple[int, int]]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _load(batch: list[tuple[int, int]]) -> list[actions.StoredAssessment]:
    """The old assessments' facts a re-run needs, the intake as its stored JSON text (the
    workers decode it; this process never does)."""
    # A batch is a run of patients in id order (see `stale_latest`): one range query, then
    # the batch's records picked here, is cheaper than a 500-value IN list through the ORM.
    wanted = {pk for pk, _ in batch}
    rows = (
        AssessmentRecord.objects.filter(**_patients(batch))
        .annotate(intake_text=Cast("intake", TextField()))
        .values_list(
            "pk",
            "patient_id",
            "patient__email",
            "created_at",
            "current_triage",
            "knowledge_base",
            "language",
            "intake_text",
        )
    )
    return [actions.StoredAssessment(*row) for row in rows if row[0] in wanted]


def _patients(batch: list[tuple[int, int]]) -> dict[str, int]:
    """The batch's patients as a range filter (a foreign key takes no `__range`)."""
    patients = [patient for _, patient in batch]
    return {"patient_id__gte": min(patients), "patient_id__lte": max(patients)}


def _jobs(olds: list[actions.StoredAssessment]) -> list[tuple[int, str, str]]:
    return [(old.pk, old.intake_text, old.language) for old in olds]


def _is_raise(old: str, new: str) -> bool:
    return TRIAGE_ORDER.index(new) < TRIAGE_ORDER.index(old)


def _reason(old: actions.StoredAssessment, before: set[str], rerun: ReRun, version: str) -> str:
    """Why the triage changed, for the clinician: the versions and the warning signs that are
    new (or gone) under the new rules."""
    after = {flag_id for flag_id, _, _ in rerun.red_flags}
    words = [
        f"Knowledge base {old.knowledge_base} -> {version}: "
        f"triage {old.current_triage} -> {rerun.triage}."
    ]
    for flag_id, level, explanation in rerun.red_flags:
        if flag_id not in before:
            words.append(f"New warning sign {flag_id} ({level}): {explanation}")
    gone = sorted(before - after)
    if gone:
        words.append("No longer fired: " + ", ".join(gone) + ".")
    return " ".join(words)


def _flags_before(record_ids: list[int]) -> dict[int, set[str]]:
    """The warning signs the old rules fired, read only for the assessments that changed."""
    stored = AssessmentRecord.objects.filter(pk__in=record_ids).values_list("pk", "assessment")
    return {pk: {flag["id"] for flag in answer.get("red_flags", [])} for pk, answer in stored}


def _current_triage(old_triage: str, engine_triage: str, overridden: bool) -> str:
    """The triage the new assessment starts with. A clinician's decision on the old one
    stands unless the new rules ask for more urgency: a re-run never lowers what a clinician
    set, and never hides a raise."""
    if overridden and not _is_raise(old_triage, engine_triage):
        return old_triage
    return engine_triage


def _write_batch(
    olds: list[actions.StoredAssessment], results: list[ReRun], version: str, report: Report
) -> None:
    by_id = {old.pk: old for old in olds}
    lowest = min(old.patient_id for old in olds)
    highest = max(old.patient_id for old in olds)
    overridden = set(
        Override.objects.filter(
            record__patient_id__gte=lowest, record__patient_id__lte=highest
        ).values_list("record_id", flat=True)
    )
    decided: list[tuple[actions.StoredAssessment, ReRun, str]] = []
    for result in results:
        old = by_id[result.record_id]
        if result.error:
            report.failed.append((old.patient_email, old.pk, result.error))
            continue
        current = _current_triage(old.current_triage, result.triage, old.pk in overridden)
        decided.append((old, result, current))
    changed = [old.pk for old, _, current in decided if current != old.current_triage]
    before = _flags_before(changed) if changed else {}
    planned = [
        actions.RetriagePlan(
            old=old,
            assessment_json=result.assessment_json,
            knowledge_base=result.knowledge_base,
            triage=result.triage,
            event_parts=result.event_parts,
            current_triage=current,
            raised=current != old.current_triage and _is_raise(old.current_triage, current),
            reason=(
                _reason(old, before[old.pk], result, version)
                if current != old.current_triage
                else ""
            ),
        )
        for old, result, current in decided
    ]
    written = actions.record_retriage(plans=planned)
    report.skipped_answered_again += len(planned) - len(written)
    report.rerun += len(written)
    for plan, new_id in written:
        if plan.current_triage != plan.old.current_triage:
            report.changes.append(
                Change(
                    patient_email=plan.old.patient_email,
                    old_record_id=plan.old.pk,
                    new_record_id=new_id,
                    old_triage=plan.old.current_triage,
                    new_triage=plan.current_triage,
                    raised=plan.raised,
                    reason=plan.reason,
                )
            )


def _pool(workers: int) -> ProcessPoolExecutor:
    # A fresh interpreter per worker ("spawn"): a forked child would share this process's
    # database connection. The worker imports only the clinical engine.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def retriage(
    *,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Re-run the engine over every stale latest assessment; see the module's docstring.

    `progress(done, total)` is called after each batch (the CLI draws its bar with it)."""
    version = knowledge_base_version()
    stale = stale_latest(version)
    report = Report(knowledge_base=version, latest=len(stale))
    if progress is not None:
        progress(0, len(stale))
    if not stale:
        return report
    workers = workers if workers is not None else max(1, min(os.cpu_count() or 1, 8))
    batches = list(_batches(stale, batch_size))
    done = 0
    if workers == 1:
        for batch in batches:
            olds = _load(batch)
            _write_batch(olds, assess_batch(_jobs(olds)), version, report)
            done += len(batch)
            if progress is not None:
                progress(done, len(stale))
        return report
    with _pool(workers) as pool:
        # Load the next batches while the workers assess: a bounded window of futures, so
        # 100,000 intakes are never all in memory at once.
        window: list[tuple[list[actions.StoredAssessment], Future[list[ReRun]]]] = []
        for batch in batches:
            olds = _load(batch)
            window.append((olds, pool.submit(assess_batch, _jobs(olds))))
            if len(window) > workers * 2:
                done += _finish(window.pop(0), version, report)
                if progress is not None:
                    progress(done, len(stale))
        while window:
            done += _finish(window.pop(0), version, report)
            if progress is not None:
                progress(done, len(stale))
    return report


def _finish(
    job: tuple[list[actions.StoredAssessment], Future[list[ReRun]]], version: str, report: Report
) -> int:
    olds, future = job
    _write_batch(olds, future.result(), version, report)
    return len(olds)


__all__ = ["Change", "Report", "retriage", "stale_latest"]
