"""Background analysis of an upload, run by `manage.py db_worker` (django-tasks).

A bad file fails its own upload with the vision package's message; the worker goes on."""

from __future__ import annotations

from collections.abc import Callable

from django_tasks import task

from upperback.vision import VisionError

from . import actions, storage
from .analysis import analyse_photo_file, analyse_video_file
from .models import Kind

PROGRESS_STEP = 10  # percent: one small UPDATE per tenth of the video


def _progress_writer(upload_id: int) -> Callable[[int, int], None]:
    last = [0]

    def write(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent - last[0] >= PROGRESS_STEP:
            last[0] = percent
            actions.report_progress(upload_id=upload_id, percent=percent)

    return write


@task()
def analyse_upload(upload_id: int) -> str:
    upload = actions.claim(upload_id=upload_id)
    if upload is None:
        return "already taken"
    path = storage.absolute(upload.stored_name)
    out = storage.picture_dir(upload.pk)
    try:
        if upload.kind == Kind.PHOTO:
            result, pictures = analyse_photo_file(path, upload.view, upload.points, out)
        else:
            result, pictures = analyse_video_file(
                path, upload.exercise_id, upload.view, out, _progress_writer(upload.pk)
            )
    except VisionError as error:
        actions.fail(upload=upload, error=error)
        return "failed"
    actions.finish(
        upload=upload, result=result, pictures={k: storage.relative(v) for k, v in pictures.items()}
    )
    return "done"
