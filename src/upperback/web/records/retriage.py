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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from upperback.clinical import TRIAGE_ORDER, knowledge_base_version

from . import actions
from .models import AssessmentRecord, Override
from .retriage_worker import ReRun, assess_batch

# A batch is one transaction of writes: small enough that the app's own writes (a patient
# saving a wizard step on SQLite) wait at most a fraction of a second behind it.
BATCH_SIZE = 500


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


def _load(batch: list[tuple[int, int]]) -> list[tuple[int, dict[str, Any], str]]:
    ids = [pk for pk, _ in batch]
    rows = AssessmentRecord.objects.filter(pk__in=ids).values_list("pk", "intake", "language")
    return [(pk, intake, language) for pk, intake, language in rows]


def _is_raise(old: str, new: str) -> bool:
    return TRIAGE_ORDER.index(new) < TRIAGE_ORDER.index(old)


def _reason(old: AssessmentRecord, rerun: ReRun, version: str) -> str:
    """Why the triage changed, for the clinician: the versions and the warning signs that are
    new (or gone) under the new rules."""
    before = {flag["id"] for flag in old.assessment.get("red_flags", [])}
    after = {flag["id"]: flag for flag in rerun.assessment.get("red_flags", [])}
    new_flags = [after[i] for i in after if i not in before]
    gone = sorted(before - set(after))
    words = [
        f"Knowledge base {old.knowledge_base} -> {version}: "
        f"triage {old.current_triage} -> {rerun.triage}."
    ]
    for flag in new_flags:
        words.append(f"New warning sign {flag['id']} ({flag['level']}): {flag['explanation']}")
    if gone:
        words.append("No longer fired: " + ", ".join(gone) + ".")
    return " ".join(words)


def _current_triage(old: AssessmentRecord, engine_triage: str, overridden: bool) -> str:
    """The triage the new assessment starts with. A clinician's decision on the old one
    stands unless the new rules ask for more urgency: a re-run never lowers what a clinician
    set, and never hides a raise."""
    if overridden and not _is_raise(old.current_triage, engine_triage):
        return old.current_triage
    return engine_triage


def _write_batch(results: list[ReRun], version: str, report: Report) -> None:
    olds = {
        record.pk: record
        for record in AssessmentRecord.objects.select_related("patient").filter(
            pk__in=[result.record_id for result in results]
        )
    }
    overridden = set(
        Override.objects.filter(record_id__in=list(olds)).values_list("record_id", flat=True)
    )
    planned: list[actions.RetriagePlan] = []
    for result in results:
        old = olds[result.record_id]
        if result.error:
            report.failed.append((old.patient.email, old.pk, result.error))
            continue
        current = _current_triage(old, result.triage, old.pk in overridden)
        changed = current != old.current_triage
        raised = changed and _is_raise(old.current_triage, current)
        reason = _reason(old, result, version) if changed else ""
        planned.append(
            actions.RetriagePlan(
                old=old,
                assessment=result.assessment,
                triage=result.triage,
                current_triage=current,
                raised=raised,
                reason=reason,
            )
        )
    written = actions.record_retriage(plans=planned)
    report.skipped_answered_again += len(planned) - len(written)
    report.rerun += len(written)
    for plan, new in written:
        if plan.current_triage != plan.old.current_triage:
            report.changes.append(
                Change(
                    patient_email=plan.old.patient.email,
                    old_record_id=plan.old.pk,
                    new_record_id=new.pk,
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
        results: Iterator[list[ReRun]] = (assess_batch(_load(batch)) for batch in batches)
        for batch_results in results:
            _write_batch(batch_results, version, report)
            done += len(batch_results)
            if progress is not None:
                progress(done, len(stale))
        return report
    with _pool(workers) as pool:
        # Load the next batches while the workers assess: a bounded window of futures, so
        # 100,000 intakes are never all in memory at once.
        window = workers * 2
        pending = [pool.submit(assess_batch, _load(batch)) for batch in batches[:window]]
        next_batch = window
        while pending:
            batch_results = pending.pop(0).result()
            if next_batch < len(batches):
                pending.append(pool.submit(assess_batch, _load(batches[next_batch])))
                next_batch += 1
            _write_batch(batch_results, version, report)
            done += len(batch_results)
            if progress is not None:
                progress(done, len(stale))
    return report


__all__ = ["Change", "Report", "retriage", "stale_latest"]
